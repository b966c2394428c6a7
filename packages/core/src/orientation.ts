import sharp from 'sharp';
import type { DecodedImage, DetectedFace, FaceDetector } from './types.js';

/** Clockwise turns tried, in order, when a photo shows no upright face. */
const TURNS = [90, 270, 180] as const;
type Turn = (typeof TURNS)[number];

/**
 * Detects faces upright and, where no face is found with at least `confidentScore`, on turned copies of the
 * photo too (scanned or sideways photos carry no EXIF orientation; a detector finds sideways faces rarely, and
 * then with a low score). The first turn with a confident face wins, else the upright faces stand; faces found
 * on a turned copy are mapped back onto the photo, so alignment turns them upright.
 */
export async function detectAnyOrientation(
  detector: FaceDetector,
  image: DecodedImage,
  confidentScore: number,
): Promise<{ faces: DetectedFace[]; turn: 0 | Turn }> {
  const upright = await detector.detect(image);
  if (bestScore(upright) >= confidentScore) return { faces: upright, turn: 0 };
  for (const turn of TURNS) {
    const faces = await detector.detect(await turned(image, turn));
    if (bestScore(faces) >= confidentScore) return { faces: faces.map((face) => turnBack(face, turn, image)), turn };
  }
  return { faces: upright, turn: 0 };
}

const bestScore = (faces: DetectedFace[]) => Math.max(0, ...faces.map((face) => face.score));

async function turned(image: DecodedImage, turn: Turn): Promise<DecodedImage> {
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .rotate(turn)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ...image, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
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
