import type { TensorInput } from './models.js';

/** A rectangle of source pixels, integer, possibly reaching outside the image (read as zeros). */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Area (box-average) resampling of `region` of an interleaved RGB image into one NCHW slot of `out`,
 * normalised for `input`. Output pixel i averages source pixels [floor(i*n/m), ceil((i+1)*n/m)), as
 * torch's interpolate(mode='area') does (MTCNN's weights were used with it). Pixels outside the image are 0.
 */
export function resizeAreaInto(
  pixels: Uint8Array,
  imageWidth: number,
  imageHeight: number,
  region: PixelRegion,
  outWidth: number,
  outHeight: number,
  input: TensorInput,
  out: Float32Array,
  offset: number,
): void {
  const cols = spans(region.width, outWidth);
  const rows = spans(region.height, outHeight);
  // Horizontal pass: for each source row of the region, the averaged output columns (3 channels).
  const rowSums = new Float32Array(region.height * outWidth * 3);
  for (let r = 0; r < region.height; r++) {
    const sy = region.y + r;
    if (sy < 0 || sy >= imageHeight) continue;
    const rowBase = sy * imageWidth * 3;
    for (let ox = 0; ox < outWidth; ox++) {
      let s0 = 0, s1 = 0, s2 = 0;
      for (let cx = cols.start[ox]; cx < cols.end[ox]; cx++) {
        const sx = region.x + cx;
        if (sx < 0 || sx >= imageWidth) continue;
        const p = rowBase + sx * 3;
        s0 += pixels[p];
        s1 += pixels[p + 1];
        s2 += pixels[p + 2];
      }
      const inv = 1 / (cols.end[ox] - cols.start[ox]);
      const q = (r * outWidth + ox) * 3;
      rowSums[q] = s0 * inv;
      rowSums[q + 1] = s1 * inv;
      rowSums[q + 2] = s2 * inv;
    }
  }
  const plane = outWidth * outHeight;
  const order = input.colorOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let oy = 0; oy < outHeight; oy++) {
    const inv = 1 / (rows.end[oy] - rows.start[oy]);
    for (let ox = 0; ox < outWidth; ox++) {
      let s0 = 0, s1 = 0, s2 = 0;
      for (let r = rows.start[oy]; r < rows.end[oy]; r++) {
        const q = (r * outWidth + ox) * 3;
        s0 += rowSums[q];
        s1 += rowSums[q + 1];
        s2 += rowSums[q + 2];
      }
      const rgb = [s0 * inv, s1 * inv, s2 * inv];
      const at = offset + oy * outWidth + ox;
      for (let c = 0; c < 3; c++) {
        const source = order[c];
        out[at + c * plane] = (rgb[source] - input.mean[source]) / input.std[source];
      }
    }
  }
}

function spans(inSize: number, outSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor((i * inSize) / outSize);
    end[i] = Math.ceil(((i + 1) * inSize) / outSize);
  }
  return { start, end };
}
