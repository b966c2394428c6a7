import { isAbsolute, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConfigOverrides, DetectorId, ExecutionProvider } from '@facegroup/core';

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

export function overridesFrom(values: Record<string, unknown>): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  if (values.embedder) overrides.embedder = String(values.embedder);
  if (values.detector) overrides.detector = values.detector as DetectorId;
  if (values.provider) overrides.executionProvider = values.provider as ExecutionProvider;
  if (values['max-side']) overrides.maxImageSide = Number(values['max-side']);
  if (values.threshold) overrides.grouping = { threshold: Number(values.threshold) };
  return overrides;
}

/** pnpm runs scripts from the repository root; paths the user typed are relative to where they typed them. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export const pipelineHelp = `  --embedder ID      embedder from models/manifest.json (default mobilefacenet-ms1mv3; env FACE_EMBEDDER)
  --detector NAME    mtcnn (default; env FACE_DETECTOR)
  --provider NAME    cpu or cuda (falls back to cpu; env FACE_EXECUTION_PROVIDER)
  --threshold X      grouping cosine threshold (default: the embedder's)
  --max-side N       analyse photos at most N pixels on the longer side (default 1600)
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
