import { isAbsolute, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configFromEnvironment, type ConfigOverrides, type DetectorId, type ExecutionProvider } from '@facegroup/core';
import { sharedDir } from './paths.js';

/** Options every command shares: the models and devices, chosen by configuration. */
export const pipelineOptions = {
  embedder: { type: 'string' },
  detector: { type: 'string' },
  provider: { type: 'string' },
  threshold: { type: 'string' },
  'max-side': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseCommand<O extends ParseArgsConfig['options']>(options: O) {
  return parseArgs({ args: process.argv.slice(2), options: { ...pipelineOptions, ...options }, allowPositionals: true });
}

/**
 * The pipeline's options: the FACE_* environment variables (models from FACE_MODELS_DIR, else ../shared/models
 * beside the checkout), overridden by the command's flags.
 */
export function overridesFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  const overrides: ConfigOverrides = { modelsDir: resolve(sharedDir, 'models'), ...configFromEnvironment(env) };
  if (values.embedder) overrides.embedder = String(values.embedder);
  if (values.detector) overrides.detector = values.detector as DetectorId;
  if (values.provider) overrides.executionProvider = values.provider as ExecutionProvider;
  if (values['max-side']) overrides.maxImageSide = Number(values['max-side']);
  if (values.threshold) overrides.grouping = { ...overrides.grouping, threshold: Number(values.threshold) };
  return overrides;
}

/** pnpm runs scripts from the repository root; paths the user typed are relative to where they typed them. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export const pipelineHelp = `  --embedder ID      embedder from @facegroup/core's models/manifest.json (default mobilefacenet-ms1mv3; env FACE_EMBEDDER)
  --detector NAME    mtcnn (default; env FACE_DETECTOR)
  --provider NAME    cpu or cuda (falls back to cpu; env FACE_EXECUTION_PROVIDER)
  --threshold X      grouping cosine threshold (default: the embedder's)
  --max-side N       analyse photos at most N pixels on the longer side (default 1600; env FACE_MAX_IMAGE_SIDE)
Threads of ONNX Runtime: FACE_THREADS (default: its choice).
Models are read from FACE_MODELS_DIR, else ../shared/models beside the checkout.`;

/** Runs a command's main, printing a clean message (no stack) for expected failures. */
export function run(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    },
  );
}
