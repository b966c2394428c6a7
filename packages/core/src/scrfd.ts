import { nms, type ScoredBox } from './boxes.js';
import type { StageClock } from './clock.js';
import type { ScrfdConfig } from './config.js';
import { OnnxModel, type SessionOptions } from './models.js';
import { resizeRegions } from './resample.js';
import type { DecodedImage, DetectedFace, FaceDetector, Landmarks } from './types.js';

/**
 * SCRFD (Guo et al. 2021) with 5 keypoints: the photo letterboxed into a square (long side to the input size,
 * zero padding bottom/right), anchor-free distances per stride, as insightface decodes them.
 */
export class ScrfdDetector implements FaceDetector {
  private constructor(
    private readonly config: ScrfdConfig,
    private readonly model: OnnxModel,
    private readonly clock: StageClock,
  ) {}

  static async create(config: ScrfdConfig, options: SessionOptions, clock: StageClock): Promise<ScrfdDetector> {
    return new ScrfdDetector(config, await OnnxModel.open('scrfd-2.5g', 'detector', options, clock, 'detect.scrfd'), clock);
  }

  async detect(image: DecodedImage): Promise<DetectedFace[]> {
    const { entry } = this.model;
    const size = entry.input.size!;
    const scale = size / Math.max(image.width, image.height);
    const region = { x: 0, y: 0, width: Math.ceil(size / scale), height: Math.ceil(size / scale) };
    const input = await this.clock.time('detect.resize', () => resizeRegions(image, [region], size, size, entry.input));
    const out = await this.model.run(input, [1, 3, size, size]);

    const { strides, anchorsPerCell } = entry.outputs as { strides: number[]; anchorsPerCell: number };
    const tensors = this.model.outputNames.map((name) => out[name]);
    const byWidth = (width: number) => tensors.filter((t) => t.dims.at(-1) === width);
    const [scores, distances, keypoints] = [byWidth(1), byWidth(4), byWidth(10)];
    const candidates: (ScoredBox & { landmarks: Landmarks })[] = [];
    strides.forEach((stride, level) => {
      const cells = size / stride;
      const score = scores[level].data as Float32Array;
      const distance = distances[level].data as Float32Array;
      const keypoint = keypoints[level].data as Float32Array;
      if (score.length !== cells * cells * anchorsPerCell) throw new Error(`SCRFD stride ${stride}: unexpected output size`);
      for (let a = 0; a < score.length; a++) {
        if (score[a] < this.config.scoreThreshold) continue;
        const cell = Math.floor(a / anchorsPerCell);
        const cx = (cell % cells) * stride;
        const cy = Math.floor(cell / cells) * stride;
        const d = (k: number) => distance[4 * a + k] * stride;
        const landmarks: Landmarks = [];
        for (let k = 0; k < 5; k++) {
          landmarks.push([
            (cx + keypoint[10 * a + 2 * k] * stride) / scale,
            (cy + keypoint[10 * a + 2 * k + 1] * stride) / scale,
          ]);
        }
        candidates.push({
          x1: (cx - d(0)) / scale,
          y1: (cy - d(1)) / scale,
          x2: (cx + d(2)) / scale,
          y2: (cy + d(3)) / scale,
          score: score[a],
          landmarks,
        });
      }
    });
    return nms(candidates, this.config.nmsThreshold).map((i) => {
      const c = candidates[i];
      return { box: [c.x1, c.y1, c.x2, c.y2], score: c.score, landmarks: c.landmarks };
    });
  }
}
