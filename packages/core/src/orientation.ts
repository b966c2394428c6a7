import sharp from 'sharp';
import type { DecodedImage, DetectedFace, FaceDetector } from './types.js';

/** Clockwise turns tried, in order, when a photo shows no upright face. */
const TURNS = [90, 270, 180] as const;
type Turn = (typeof TURNS)[number];

/** How a photo without a confident face is searched again. */
export interface RetryOptions {
  /** The score that makes a face confident. */
  confidentScore: number;
  /** Border added on every edge of the padded copy, as a fraction of the photo's longer side; 0: no padded copy. */
  padding: number;
  /** How the border is filled: a copy of the edge pixels, or black. */
  paddingFill: 'copy' | 'black';
}

/**
 * Detects faces upright and, where no face is found with at least `confidentScore`, on a padded copy and on turned
 * copies of the photo too. A face that fills the frame or is cut by its edge leaves the detector no context around
 * it, and the border gives it that; scanned or sideways photos carry no EXIF orientation, and a detector finds
 * sideways faces rarely, and then with a low score. The first copy with a confident face wins, else the upright
 * faces stand; faces found on a copy are mapped back onto the photo, so alignment turns them upright.
 */
export async function detectAnyOrientation(
  detector: FaceDetector,
  image: DecodedImage,
  options: RetryOptions,
): Promise<{ faces: DetectedFace[]; turn: 0 | Turn; padded: boolean }> {
  const { confidentScore } = options;
  const upright = await detector.detect(image);
  if (bestScore(upright) >= confidentScore) return { faces: upright, turn: 0, padded: false };
  const border = Math.round(options.padding * Math.max(image.width, image.height));
  if (border > 0) {
    const faces = await detector.detect(await padded(image, border, options.paddingFill));
    if (bestScore(faces) >= confidentScore) return { faces: faces.map((face) => unpad(face, border)), turn: 0, padded: true };
  }
  for (const turn of TURNS) {
    const faces = await detector.detect(await turned(image, turn));
    if (bestScore(faces) >= confidentScore) {
      return { faces: faces.map((face) => turnBack(face, turn, image)), turn, padded: false };
    }
  }
  return { faces: upright, turn: 0, padded: false };
}

const bestScore = (faces: DetectedFace[]) => Math.max(0, ...faces.map((face) => face.score));

async function turned(image: DecodedImage, turn: Turn): Promise<DecodedImage> {
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .rotate(turn)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ...image, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

async function padded(image: DecodedImage, border: number, fill: RetryOptions['paddingFill']): Promise<DecodedImage> {
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extend({
      top: border,
      bottom: border,
      left: border,
      right: border,
      ...(fill === 'copy' ? { extendWith: 'copy' } : { background: '#000' }),
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ...image, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Maps a face found on the padded copy back onto the photo (its box may reach past the photo's edges). */
function unpad(face: DetectedFace, border: number): DetectedFace {
  const [x1, y1, x2, y2] = face.box;
  return {
    box: [x1 - border, y1 - border, x2 - border, y2 - border],
    score: face.score,
    landmarks: face.landmarks.map(([x, y]) => [x - border, y - border]),
  };
}

/** Maps a point of the copy turned clockwise by `turn` back onto the photo (pixel-centre coordinates). */
function pointBack([x, y]: [number, number], turn: Turn, { width, height }: DecodedImage): [number, number] {
  if (turn === 90) return [y, height - 1 - x];
  if (turn === 270) return [width - 1 - y, x];
  return [width - 1 - x, height - 1 - y];
}

function turnBack(face: DetectedFace, turn: Turn, image: DecodedImage): DetectedFace {
  const [x1, y1, x2, y2] = face.box;
  const corners = [pointBack([x1, y1], turn, image), pointBack([x2, y2], turn, image)];
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  return {
    box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    score: face.score,
    landmarks: face.landmarks.map((point) => pointBack(point, turn, image)),
  };
}
