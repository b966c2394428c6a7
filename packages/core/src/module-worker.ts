import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running an ES module. From the built package the module is JavaScript and runs as it is; from the
 * workspace's TypeScript sources the thread first registers tsx's loader (found from here), since Node 20 gives a
 * worker neither the parent's loader nor --import.
 */
export function startModuleWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!module.href.endsWith('.ts')) return new Worker(module, options);
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = JSON.parse(readFileSync(tsxPackage, 'utf8')).exports['./esm/api'].import.default as string;
  const loader = JSON.stringify(pathToFileURL(join(dirname(tsxPackage), api)).href);
  const entry = JSON.stringify(module.href);
  return new Worker(`import(${loader}).then(({ register }) => { register(); return import(${entry}); })`, {
    ...options,
    eval: true,
  });
}
