import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnvironment, resolveConfig } from '../src/config.js';

const VARIABLES = ['FACE_DETECTOR', 'FACE_EMBEDDER', 'FACE_EXECUTION_PROVIDER', 'FACE_THREADS', 'FACE_MAX_IMAGE_SIDE'];

describe('configuration', () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('takes options alone: FACE_* variables of the process change nothing in the library', () => {
    Object.assign(process.env, {
      FACE_DETECTOR: 'scrfd',
      FACE_EMBEDDER: 'mobilefacenet-fast',
      FACE_EXECUTION_PROVIDER: 'cuda',
      FACE_THREADS: '3',
      FACE_MAX_IMAGE_SIDE: '800',
    });
    const config = resolveConfig();
    expect([config.detector, config.embedder, config.executionProvider, config.threads, config.maxImageSide]).toEqual([
      'mtcnn',
      'mobilefacenet-ms1mv3',
      'cpu',
      0,
      1600,
    ]);
  });

  it('turns an environment into options for the CLI and the server, leaving unset and empty variables out', () => {
    expect(
      configFromEnvironment({
        FACE_MODELS_DIR: '/srv/models',
        FACE_DETECTOR: 'scrfd',
        FACE_EMBEDDER: '',
        FACE_EXECUTION_PROVIDER: 'cuda',
        FACE_THREADS: '4',
        FACE_MAX_IMAGE_SIDE: '1200',
      }),
    ).toEqual({ modelsDir: '/srv/models', detector: 'scrfd', executionProvider: 'cuda', threads: 4, maxImageSide: 1200 });
    expect(configFromEnvironment({})).toEqual({});
  });
});
