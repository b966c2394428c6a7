import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutRoot, devPhoto, modelsDir } from '../../../test/support/fixtures.js';
import { startPhotoServer } from '../../../test/support/photo-server.js';

const exec = promisify(execFile);

/** Two people with three photos each, the six-face cast photo and a landscape with no face. */
const PHOTOS = [
  'dfc_2da3187b.jpg',
  'dfc_41813375.jpg',
  'dfc_5fb50519.jpg',
  'afr_2de116a8.jpg',
  'afr_6627630a.jpg',
  'afr_c4dfaedc.jpg',
  'fnp_61efd65f.jpg',
  'dsf_9813b0ac.jpg',
];

/** What a backend developer writes: plain Node, the installed package, photos as paths, buffers and a { key: url } map. */
const SCRIPT = `
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { faceRecognition } from '@facegroup/core';

const [modelsDir, baseUrl, ...paths] = process.argv.slice(2);
const options = { modelsDir, fetch: { allowPrivateAddresses: true } };
const persons = ({ groups }) => groups.map((group) => group.photos.map((photo) => basename(photo)).sort()).sort();
const faces = ({ images }) => Object.fromEntries(images.map((image) => [basename(image.path), image.faces.length]));

const fromPaths = await faceRecognition(paths, options);
const fromBuffers = await faceRecognition(paths.map((path) => ({ key: basename(path), buffer: readFileSync(path) })), options);
const urls = Object.fromEntries(paths.map((path) => [basename(path), baseUrl + '/photos/' + basename(path)]));
const fromUrls = await faceRecognition(urls, options);
process.stdout.write(JSON.stringify({
  resolved: import.meta.resolve('@facegroup/core'),
  persons: { paths: persons(fromPaths), buffers: persons(fromBuffers), urls: persons(fromUrls) },
  faces: { paths: faces(fromPaths), buffers: faces(fromBuffers), urls: faces(fromUrls) },
}));
`;

/** Environment of the child processes: no pnpm or vitest settings leak into npm or node. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_|NODE_OPTIONS$|VITEST)/i.test(name)),
  );
  // onnxruntime-node's install script would fetch CUDA files from outside npm; its CPU binaries are in the package.
  // native-align builds CPU-only here to keep the test quick (the CUDA kernels are checked by bench/gpu-check.sh).
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', NATIVE_ALIGN_CUDA: '0' };
}

/**
 * The packages as a user gets them: `pnpm pack:lib` makes the tarballs, npm installs them into an empty folder
 * outside the workspace (dependencies from the registry, native-align built by cmake-js), and plain node runs a
 * script against them; its persons must be the CLI's on the same photos.
 */
describe('the packed library', () => {
  const folder = mkdtempSync(join(tmpdir(), 'facegroup-install-'));
  const photos = join(folder, 'photos');
  let server: Awaited<ReturnType<typeof startPhotoServer>>;

  beforeAll(async () => {
    mkdirSync(photos);
    for (const name of PHOTOS) copyFileSync(devPhoto(name), join(photos, name));
    server = await startPhotoServer(photos);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('installs from its tarballs with npm and groups paths, buffers and URLs as the CLI does', async () => {
    const started = performance.now();
    const { stdout: packed } = await exec(process.execPath, [join(checkoutRoot, 'scripts', 'pack-lib.mjs')], {
      cwd: checkoutRoot,
    });
    const tarballs = packed.trim().split('\n');
    expect(tarballs.map((path) => path.split('/').pop())).toEqual([
      'facegroup-core-0.1.0.tgz',
      'facegroup-native-align-0.1.0.tgz',
    ]);

    const project = join(folder, 'app');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const env = cleanEnvironment();
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], {
      cwd: project,
      env,
      maxBuffer: 1 << 26,
    });
    const installed = join(project, 'node_modules', '@facegroup');
    expect(existsSync(join(installed, 'core', 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'core', 'models', 'manifest.json'))).toBe(true);
    expect(existsSync(join(installed, 'core', 'src'))).toBe(false);
    expect(existsSync(join(installed, 'native-align', 'build', 'Release', 'native_align.node'))).toBe(true);
    // A copy, not a link into the checkout.
    expect(realpathSync(join(installed, 'core')).startsWith(project)).toBe(true);
    const installSeconds = (performance.now() - started) / 1000;

    // The declarations type a TypeScript caller (an unknown option is an error, so the types are not `any`).
    writeFileSync(
      join(project, 'types.ts'),
      [
        "import { faceRecognition, type FaceRecognitionResult } from '@facegroup/core';",
        "export const result: Promise<FaceRecognitionResult> = faceRecognition({ 'a.jpg': 'https://example.com/a.jpg' }, { modelsDir: '/m' });",
        '// @ts-expect-error: modelDir is not an option',
        "export const wrong = faceRecognition(['a.jpg'], { modelDir: '/m' });",
      ].join('\n'),
    );
    const tsc = join(checkoutRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = join(checkoutRoot, 'node_modules', '@types');
    const options = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck'];
    await exec(process.execPath, [tsc, ...options, '--typeRoots', typeRoots, '--types', 'node', 'types.ts'], {
      cwd: project,
      env,
    });

    writeFileSync(join(project, 'check.mjs'), SCRIPT);
    const paths = PHOTOS.map((name) => join(photos, name));
    const { stdout } = await exec(process.execPath, ['check.mjs', modelsDir, server.url, ...paths], {
      cwd: project,
      env,
      maxBuffer: 1 << 24,
    });
    const library = JSON.parse(stdout);
    expect(library.resolved).toBe(`file://${realpathSync(project)}/node_modules/@facegroup/core/dist/index.js`);

    const out = join(folder, 'cli-result.json');
    await exec(
      join(checkoutRoot, 'node_modules', '.bin', 'tsx'),
      [join(checkoutRoot, 'packages', 'cli', 'src', 'group.ts'), photos, '--out', out],
      {
        cwd: checkoutRoot,
        env: { ...process.env, FACE_MODELS_DIR: modelsDir },
      },
    );
    const cli = JSON.parse(readFileSync(out, 'utf8'));
    const cliPersons = cli.persons.map((person: { photos: string[] }) => [...person.photos].sort()).sort();
    const cliFaces = Object.fromEntries(
      cli.images.map((image: { path: string; faces: unknown[] }) => [image.path, image.faces.length]),
    );

    expect(cliPersons).toContainEqual(['dfc_2da3187b.jpg', 'dfc_41813375.jpg', 'dfc_5fb50519.jpg']);
    expect(cliPersons).toContainEqual(['afr_2de116a8.jpg', 'afr_6627630a.jpg', 'afr_c4dfaedc.jpg']);
    for (const way of ['paths', 'buffers', 'urls']) {
      expect(library.persons[way], way).toEqual(cliPersons);
      expect(library.faces[way], way).toEqual(cliFaces);
    }
    process.stderr.write(
      `install test: packed and installed in ${installSeconds.toFixed(0)} s, all in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }, 900_000);
});
