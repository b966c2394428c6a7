import sharp from 'sharp';

export interface Placement {
  /** How much the photo was enlarged, and where its top left corner lies in the large one. */
  scale: number;
  left: number;
  top: number;
}

/**
 * Writes a side x side baseline JPEG holding `photo` enlarged `scale` times at (left, top) on a plain background.
 * Streamed through libvips (no Huffman optimisation, which would buffer the whole image): about 100 MB and a
 * few seconds for 16000x16000. Never committed: made where a test or measurement needs it.
 */
export async function writeLargeJpeg(
  photo: string,
  out: string,
  { side, scale, left, top }: Placement & { side: number },
): Promise<Placement> {
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  const [w, h] = [width * scale, height * scale];
  await sharp(photo)
    .resize(w, h)
    .extend({ left, top, right: side - left - w, bottom: side - top - h, background: '#7890a0' })
    .jpeg({ quality: 85, optimiseCoding: false })
    .toFile(out);
  return { scale, left, top };
}
