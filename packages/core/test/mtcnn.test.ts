import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { decodeImage } from '../src/image.js';
import { InferenceQueue, modelEntry, openSession, type SessionOptions } from '../src/models.js';
import { StageClock } from '../src/clock.js';
import { MtcnnDetector } from '../src/mtcnn.js';
import { CAST_PHOTO, devPhoto, shared } from '../../../test/support/fixtures.js';

const config = resolveConfig();
const session: SessionOptions = {
  modelsDir: config.modelsDir,
  queue: new InferenceQueue(),
  executionProvider: 'cpu',
  threads: 1,
  warn: (message) => process.stderr.write(`${message}\n`),
};
const mtcnnDir = join(shared, 'models', 'mtcnn');

interface FixtureCase {
  model: string;
  image: string;
  input_shape: number[];
  expected: Record<string, { shape: number[]; data: number[] }>;
}

describe('MTCNN networks reproduce the fixtures', () => {
  const fixtures: { cases: FixtureCase[] } = JSON.parse(readFileSync(join(mtcnnDir, 'fixtures.json'), 'utf8'));
  const ids: Record<string, string> = { 'pnet.onnx': 'mtcnn-pnet', 'rnet.onnx': 'mtcnn-rnet', 'onet.onnx': 'mtcnn-onet' };

  for (const fixture of fixtures.cases) {
    it(`${fixture.model} on ${fixture.image}`, async () => {
      const entry = modelEntry(ids[fixture.model]);
      const net = await openSession(entry, session);
      const { data, info } = await sharp(join(mtcnnDir, fixture.image)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const [, , h, w] = fixture.input_shape;
      expect([info.height, info.width]).toEqual([h, w]);
      const input = new Float32Array(3 * h * w);
      for (let i = 0; i < h * w; i++) {
        for (let c = 0; c < 3; c++) input[c * h * w + i] = (data[i * 3 + c] - entry.input.mean[c]) / entry.input.std[c];
      }
      const out = await net.run({ [entry.input.name]: new ort.Tensor('float32', input, fixture.input_shape) });
      for (const [name, expected] of Object.entries(fixture.expected)) {
        expect(out[name].dims).toEqual(expected.shape);
        const actual = out[name].data as Float32Array;
        const worst = Math.max(...expected.data.map((v, i) => Math.abs(v - actual[i])));
        expect(worst).toBeLessThan(1e-4);
      }
    });
  }
});

describe('MTCNN detector', () => {
  let detector: MtcnnDetector;
  beforeAll(async () => {
    detector = await MtcnnDetector.create(config.mtcnn, session, new StageClock());
  });

  it('builds the pyramid from the 20 px minimum face with factor 0.709', () => {
    const scales = detector.pyramidScales(640, 480);
    expect(scales[0]).toBeCloseTo(0.6);
    expect(scales[1] / scales[0]).toBeCloseTo(0.709);
    expect(480 * scales.at(-1)!).toBeGreaterThanOrEqual(12);
    expect(480 * scales.at(-1)! * 0.709).toBeLessThan(12);
  });

  it('finds all six faces of the cast photo with landmarks on eyes, nose and mouth', async () => {
    const image = await decodeImage(devPhoto(CAST_PHOTO), config);
    const faces = await detector.detect(image);
    expect(faces).toHaveLength(6);
    for (const { box, score, landmarks } of faces) {
      expect(score).toBeGreaterThan(0.99);
      const [x1, y1, x2, y2] = box;
      const [leftEye, rightEye, nose, mouthLeft, mouthRight] = landmarks;
      for (const [x, y] of landmarks) {
        expect(x).toBeGreaterThan(x1);
        expect(x).toBeLessThan(x2);
        expect(y).toBeGreaterThan(y1);
        expect(y).toBeLessThan(y2);
      }
      // Face geometry: eyes side by side above the nose, the nose above the mouth corners.
      expect(leftEye[0]).toBeLessThan(rightEye[0]);
      expect(mouthLeft[0]).toBeLessThan(mouthRight[0]);
      expect(nose[1]).toBeGreaterThan(Math.max(leftEye[1], rightEye[1]));
      expect(nose[1]).toBeLessThan(Math.min(mouthLeft[1], mouthRight[1]));
      expect(nose[0]).toBeGreaterThan(leftEye[0]);
      expect(nose[0]).toBeLessThan(rightEye[0]);
    }
  });
});
