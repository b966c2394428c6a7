import { describe, expect, it } from 'vitest';
import { modelsDir } from '../../../test/support/fixtures.js';
import { overridesFrom } from '../src/args.js';

describe("the commands' pipeline options", () => {
  it('come from FACE_* variables, models beside the checkout by default, and flags win', () => {
    expect(overridesFrom({}, {})).toEqual({ modelsDir });
    expect(
      overridesFrom(
        { detector: 'mtcnn', threshold: '0.5', 'max-side': '900' },
        { FACE_MODELS_DIR: '/srv/models', FACE_DETECTOR: 'scrfd', FACE_EMBEDDER: 'mobilefacenet-fast', FACE_THREADS: '2' },
      ),
    ).toEqual({
      modelsDir: '/srv/models',
      detector: 'mtcnn',
      embedder: 'mobilefacenet-fast',
      threads: 2,
      maxImageSide: 900,
      grouping: { threshold: 0.5 },
    });
  });
});
