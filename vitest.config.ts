import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The library finds its models from the modelsDir option, else FACE_MODELS_DIR: the tests use the shared ones
// beside the checkout unless told otherwise.
const modelsDir = process.env.FACE_MODELS_DIR || resolve(import.meta.dirname, '..', 'shared', 'models');

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: { FACE_MODELS_DIR: modelsDir },
    // Real models on real photos on 2 cores: generous timeouts, one file at a time per core.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
