// pnpm pack:lib — writes the installable tarballs of @facegroup/core (compiled dist/, the model manifest) and
// @facegroup/native-align (sources, built by cmake-js on install) to dist/packages/, and prints their paths.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const destination = join(root, 'dist', 'packages');
rmSync(destination, { recursive: true, force: true });
mkdirSync(destination, { recursive: true });
for (const name of ['core', 'native-align']) {
  // pnpm pack runs core's prepack (the build), applies publishConfig and turns workspace:* into versions.
  execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: join(root, 'packages', name),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
for (const file of readdirSync(destination).sort()) process.stdout.write(`${join(destination, file)}\n`);
