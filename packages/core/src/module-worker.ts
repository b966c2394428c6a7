import { readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
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

/** The niceness of background threads (analysis, clustering): the thread that serves requests gets the CPU first. */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the calling thread's CPU priority, and so that of the threads it starts afterwards (ONNX Runtime's inference
 * threads): Linux threads inherit it. Linux alone has a priority per thread (its id from /proc/thread-self); elsewhere,
 * or where it is not allowed, nothing changes.
 */
export function lowerThreadPriority(niceness = BACKGROUND_NICENESS): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), niceness);
  } catch {
    // the thread keeps the process's priority
  }
}
