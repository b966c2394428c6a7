import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelsDir, manifest, modelEntry, ModelFileError, modelPath } from '../src/models.js';
import { shared } from '../../../test/support/fixtures.js';

describe('model manifest', () => {
  it('lists every model with a checksum and a tensor contract', () => {
    expect(manifest.models.map((m) => m.id)).toEqual(
      expect.arrayContaining([
        'mtcnn-pnet',
        'mtcnn-rnet',
        'mtcnn-onet',
        'mobilefacenet-ms1mv3',
        'mobilefacenet-fast',
        'scrfd-2.5g',
      ]),
    );
    for (const model of manifest.models) {
      expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(model.input.mean).toHaveLength(3);
      expect(model.input.std).toHaveLength(3);
      if (model.kind === 'embedder') expect(model.dimension).toBeGreaterThan(0);
    }
  });

  it("looks in FACE_MODELS_DIR, else ~/.facegroup/models, and accepts the shared models' checksums", async () => {
    const saved = process.env.FACE_MODELS_DIR;
    try {
      delete process.env.FACE_MODELS_DIR;
      expect(defaultModelsDir()).toBe(join(homedir(), '.facegroup', 'models'));
      process.env.FACE_MODELS_DIR = join(shared, 'models');
      expect(defaultModelsDir()).toBe(join(shared, 'models'));
    } finally {
      if (saved === undefined) delete process.env.FACE_MODELS_DIR;
      else process.env.FACE_MODELS_DIR = saved;
    }
    for (const model of manifest.models) {
      await expect(modelPath(model, defaultModelsDir())).resolves.toBe(join(shared, 'models', model.file));
    }
  });

  it('says which file is missing and how to provide it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'models-'));
    const error = await modelPath(modelEntry('mtcnn-pnet'), empty).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toContain('mtcnn/pnet.onnx');
    expect(error.message).toContain('FACE_MODELS_DIR');
  });

  it('refuses a file with the wrong checksum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    mkdirSync(join(dir, 'arcface'));
    writeFileSync(join(dir, 'arcface', 'mobilefacenet-fast.onnx'), 'not a model');
    await expect(modelPath(modelEntry('mobilefacenet-fast'), dir)).rejects.toThrow(/sha256 .* expected 4f88c069/);
  });

  it('names the known models when an unknown one is asked for', () => {
    expect(() => modelEntry('r100', 'embedder')).toThrow(/mobilefacenet-ms1mv3, mobilefacenet-fast/);
  });
});
