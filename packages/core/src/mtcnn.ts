import { nms, square, type ScoredBox } from './boxes.js';
import type { StageClock } from './clock.js';
import type { MtcnnConfig } from './config.js';
import { OnnxModel, type SessionOptions } from './models.js';
import { resizeRegions, tensorToImage } from './resample.js';
import type { DecodedImage, DetectedFace, FaceDetector, Landmarks, RgbImage } from './types.js';

/** A candidate with its box regression (fractions of the box's width/height). */
interface Candidate extends ScoredBox {
  reg: [number, number, number, number];
}

type Stage = 'pnet' | 'rnet' | 'onet';

const PNET_STRIDE = 2;
const PNET_CELL = 12;

/**
 * MTCNN (Zhang et al. 2016) with the conventions of facenet-pytorch, except that R-Net and O-Net crops are
 * zero-padded where the box leaves the photo, as the original MTCNN does (see models/mtcnn README).
 */
export class MtcnnDetector implements FaceDetector {
  private constructor(
    private readonly config: MtcnnConfig,
    private readonly nets: Record<Stage, OnnxModel>,
    private readonly clock: StageClock,
  ) {}

  static async create(config: MtcnnConfig, options: SessionOptions, clock: StageClock): Promise<MtcnnDetector> {
    const open = (stage: Stage) => OnnxModel.open(`mtcnn-${stage}`, 'mtcnn-stage', options, clock, `detect.${stage}`);
    const [pnet, rnet, onet] = await Promise.all([open('pnet'), open('rnet'), open('onet')]);
    return new MtcnnDetector(config, { pnet, rnet, onet }, clock);
  }

  async detect(image: DecodedImage): Promise<DetectedFace[]> {
    const proposals = await this.propose(image);
    if (proposals.length === 0) return [];
    const refined = await this.refine(image, proposals);
    if (refined.length === 0) return [];
    return this.output(image, refined);
  }

  /** Scales of the image pyramid: the smallest face maps to P-Net's 12-pixel window. */
  pyramidScales(width: number, height: number): number[] {
    const scales: number[] = [];
    const minFace = Math.max(this.config.minFaceSize, this.config.minFaceFraction * Math.max(width, height));
    let scale = PNET_CELL / minFace;
    let side = Math.min(width, height) * scale;
    while (side >= PNET_CELL) {
      scales.push(scale);
      scale *= this.config.scaleFactor;
      side *= this.config.scaleFactor;
    }
    return scales;
  }

  /**
   * Stage 1: P-Net over the pyramid, NMS per scale then across scales, calibrated, squared. The first level is
   * area-resampled from the photo and the others from it: the same averages to within rounding, at a fraction
   * of the cost of reading the whole photo for every level.
   */
  private async propose(image: DecodedImage): Promise<ScoredBox[]> {
    const pnet = this.nets.pnet;
    const threshold = this.config.thresholds[0];
    const all: Candidate[] = [];
    let firstLevel: RgbImage | undefined;
    for (const scale of this.pyramidScales(image.width, image.height)) {
      const w = Math.trunc(image.width * scale + 1);
      const h = Math.trunc(image.height * scale + 1);
      const source = firstLevel ?? image;
      const whole = { x: 0, y: 0, width: source.width, height: source.height };
      const data = await this.clock.time('detect.resize', () => resizeRegions(source, [whole], w, h, pnet.entry.input));
      firstLevel ??= tensorToImage(data, w, h, pnet.entry.input);
      const out = await pnet.run(data, [1, 3, h, w]);
      const prob = out.prob.data as Float32Array;
      const reg = out.bbox_reg.data as Float32Array;
      const [, , outH, outW] = out.prob.dims as number[];
      const plane = outH * outW;
      const found: Candidate[] = [];
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          const k = i * outW + j;
          const score = prob[plane + k];
          if (score < threshold) continue;
          found.push({
            x1: Math.floor((PNET_STRIDE * j + 1) / scale),
            y1: Math.floor((PNET_STRIDE * i + 1) / scale),
            x2: Math.floor((PNET_STRIDE * j + PNET_CELL) / scale),
            y2: Math.floor((PNET_STRIDE * i + PNET_CELL) / scale),
            score,
            reg: [reg[k], reg[plane + k], reg[2 * plane + k], reg[3 * plane + k]],
          });
        }
      }
      for (const index of nms(found, 0.5)) all.push(found[index]);
    }
    return nms(all, 0.7).map((index) => square(calibrate(all[index], 0)));
  }

  /** Stage 2: R-Net on 24x24 crops of every proposal in one batch. */
  private async refine(image: DecodedImage, boxes: ScoredBox[]): Promise<ScoredBox[]> {
    const { prob, reg } = await this.classifyCrops('rnet', image, boxes);
    const passed: Candidate[] = [];
    boxes.forEach((box, n) => {
      const score = prob[2 * n + 1];
      if (score > this.config.thresholds[1]) passed.push({ ...box, score, reg: regressionAt(reg, n) });
    });
    return nms(passed, 0.7).map((index) => square(calibrate(passed[index], 1)));
  }

  /** Stage 3: O-Net on 48x48 crops; landmarks, calibrated boxes, final NMS on the smaller area. */
  private async output(image: DecodedImage, boxes: ScoredBox[]): Promise<DetectedFace[]> {
    const { prob, reg, landmarks } = await this.classifyCrops('onet', image, boxes);
    const faces: (ScoredBox & { landmarks: Landmarks })[] = [];
    boxes.forEach((box, n) => {
      const score = prob[2 * n + 1];
      if (!(score > this.config.thresholds[2])) return;
      const w = box.x2 - box.x1 + 1;
      const h = box.y2 - box.y1 + 1;
      const points: Landmarks = [];
      for (let k = 0; k < 5; k++) {
        points.push([box.x1 + landmarks![10 * n + k] * w - 1, box.y1 + landmarks![10 * n + 5 + k] * h - 1]);
      }
      faces.push({ ...calibrate({ ...box, score, reg: regressionAt(reg, n) }, 1), landmarks: points });
    });
    return nms(faces, 0.7, 'min').map((index) => {
      const f = faces[index];
      return { box: [f.x1, f.y1, f.x2, f.y2], score: f.score, landmarks: f.landmarks };
    });
  }

  /** Crops each box (zero-padded outside the photo), area-resized to the net's input, in one batch. */
  private async classifyCrops(
    stage: 'rnet' | 'onet',
    image: DecodedImage,
    boxes: ScoredBox[],
  ): Promise<{ prob: Float32Array; reg: Float32Array; landmarks?: Float32Array }> {
    const net = this.nets[stage];
    const size = net.entry.input.size!;
    // Integer boxes as MTCNN crops them: columns trunc(x1)-1 .. trunc(x2)-1 inclusive (1-based origin).
    const regions = boxes.map((box) => ({
      x: Math.trunc(box.x1) - 1,
      y: Math.trunc(box.y1) - 1,
      width: Math.max(1, Math.trunc(box.x2) - Math.trunc(box.x1) + 1),
      height: Math.max(1, Math.trunc(box.y2) - Math.trunc(box.y1) + 1),
    }));
    const data = await this.clock.time('detect.crop', () => resizeRegions(image, regions, size, size, net.entry.input));
    const out = await net.run(data, [boxes.length, 3, size, size]);
    return {
      prob: out.prob.data as Float32Array,
      reg: out.bbox_reg.data as Float32Array,
      landmarks: out.landmarks?.data as Float32Array | undefined,
    };
  }
}

function regressionAt(reg: Float32Array, n: number): Candidate['reg'] {
  return [reg[4 * n], reg[4 * n + 1], reg[4 * n + 2], reg[4 * n + 3]];
}

/** Applies a box regression; P-Net's boxes use width x2-x1, later stages x2-x1+1 (MTCNN's conventions). */
function calibrate(box: Candidate, plus: 0 | 1): ScoredBox {
  const w = box.x2 - box.x1 + plus;
  const h = box.y2 - box.y1 + plus;
  return {
    x1: box.x1 + box.reg[0] * w,
    y1: box.y1 + box.reg[1] * h,
    x2: box.x2 + box.reg[2] * w,
    y2: box.y2 + box.reg[3] * h,
    score: box.score,
  };
}
