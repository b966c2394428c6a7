import { describe, expect, it } from 'vitest';
import { estimateSimilarity, warpFaces } from '../index.js';
import { ARCFACE_TEMPLATE, applyAffine, maxAbsDiff, refWarp, rng, sameBytes, similarityMatrix } from './reference.js';

const ARCFACE = { size: 112, channelOrder: 'rgb' as const, mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] };

function randomImage(width: number, height: number, channels: number, seed: number): Uint8Array {
  const random = rng(seed);
  return Uint8Array.from({ length: width * height * channels }, () => Math.floor(random() * 256));
}

/** Transforms landmarks -> ArcFace template for faces centred at (cx, cy) with a scale and angle. */
function faceTransforms(faces: Array<[number, number, number, number]>): Float64Array {
  const out = new Float64Array(faces.length * 6);
  faces.forEach(([cx, cy, scale, angle], i) => {
    const rotate = similarityMatrix(angle, scale, 0, 0);
    const [ox, oy] = applyAffine(rotate, [56, 56]);
    const place = similarityMatrix(angle, scale, cx - ox, cy - oy);
    const landmarks = applyAffine(place, ARCFACE_TEMPLATE);
    out.set(estimateSimilarity(landmarks, ARCFACE_TEMPLATE), 6 * i);
  });
  return out;
}

describe('warpFaces', () => {
  it('matches the bilinear reference for many faces, including faces partly outside the image', () => {
    const [w, h] = [320, 240];
    const image = randomImage(w, h, 3, 1);
    const transforms = faceTransforms([
      [160, 120, 1.3, 0.2],
      [20, 15, 0.8, -0.5], // crosses the top-left corner
      [3, 120, 1.1, 0.3], // crosses the left edge
      [160, 236, 0.9, -0.2], // crosses the bottom edge
      [310, 200, 2.0, 1.0], // mostly outside on the right
      [100, 150, 0.45, 3.0], // small and upside down
      [-500, -500, 1, 0], // entirely outside
    ]);
    const out = warpFaces(image, w, h, 3, transforms, ARCFACE);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(7 * 3 * 112 * 112);
    expect(maxAbsDiff(out, refWarp(image, w, h, 3, transforms, ARCFACE))).toBeLessThan(1e-4);
    // The face outside the image is all border: (0 - mean) / std.
    expect(out.subarray(6 * 3 * 112 * 112).every((v) => Math.abs(v + 1) < 1e-6)).toBe(true);
  });

  it('uses OpenCV pixel centres: an integer translation copies pixels exactly', () => {
    const [w, h] = [64, 48];
    const image = randomImage(w, h, 3, 2);
    // src -> dst: dst = src - (10, 20), so crop(x, y) = image(x + 10, y + 20).
    const raw = { size: 16, channelOrder: 'rgb' as const, mean: [0, 0, 0], std: [1, 1, 1] };
    const out = warpFaces(image, w, h, 3, Float64Array.from([1, 0, -10, 0, 1, -20]), raw);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        for (let c = 0; c < 3; c++) expect(out[(c * 16 + y) * 16 + x]).toBe(image[((y + 20) * w + x + 10) * 3 + c]);
    // Half-pixel shift averages horizontal neighbours.
    const half = warpFaces(image, w, h, 3, Float64Array.from([1, 0, -10.5, 0, 1, -20]), raw);
    expect(half[0]).toBeCloseTo((image[(20 * w + 10) * 3] + image[(20 * w + 11) * 3]) / 2, 4);
  });

  it('matches the reference with raw pixel values, bgr order, per-channel mean/std and 4 channels', () => {
    const [w, h] = [150, 130];
    const transforms = faceTransforms([
      [75, 65, 0.9, 0.1],
      [10, 120, 0.7, -2.0],
    ]);
    for (const channels of [3, 4] as const) {
      const image = randomImage(w, h, channels, 10 + channels);
      for (const opts of [
        { size: 112, channelOrder: 'bgr' as const, mean: [0, 0, 0], std: [1, 1, 1] },
        { size: 96, channelOrder: 'rgb' as const, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
        { size: 50, channelOrder: 'bgr' as const, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
      ]) {
        const out = warpFaces(image, w, h, channels, transforms, opts);
        expect(maxAbsDiff(out, refWarp(image, w, h, channels, transforms, opts))).toBeLessThan(1e-4);
      }
    }
  });

  it('bgr is rgb with planes 0 and 2 swapped', () => {
    const image = randomImage(100, 100, 3, 3);
    const t = faceTransforms([[50, 50, 0.8, 0.3]]);
    const rgb = warpFaces(image, 100, 100, 3, t, ARCFACE);
    const bgr = warpFaces(image, 100, 100, 3, t, { ...ARCFACE, channelOrder: 'bgr' });
    const plane = 112 * 112;
    expect(sameBytes(bgr.subarray(0, plane), rgb.subarray(2 * plane))).toBe(true);
    expect(sameBytes(bgr.subarray(plane, 2 * plane), rgb.subarray(plane, 2 * plane))).toBe(true);
    expect(sameBytes(bgr.subarray(2 * plane), rgb.subarray(0, plane))).toBe(true);
  });

  it('reads Buffers, offset views and Uint8ClampedArray, and gives the same result with any thread count', () => {
    const [w, h] = [200, 160];
    const image = randomImage(w, h, 3, 4);
    const offsetView = new Uint8Array(image.length + 7).subarray(7);
    offsetView.set(image);
    const faces: Array<[number, number, number, number]> = [];
    for (let i = 0; i < 13; i++) faces.push([20 + i * 13, 30 + i * 9, 0.5 + i * 0.05, i * 0.4]);
    const t = faceTransforms(faces);
    const expected = warpFaces(image, w, h, 3, t, ARCFACE);
    expect(maxAbsDiff(expected, refWarp(image, w, h, 3, t, ARCFACE))).toBeLessThan(1e-4);
    expect(sameBytes(warpFaces(Buffer.from(image), w, h, 3, t, ARCFACE), expected)).toBe(true);
    expect(sameBytes(warpFaces(offsetView, w, h, 3, t, ARCFACE), expected)).toBe(true);
    expect(sameBytes(warpFaces(new Uint8ClampedArray(image), w, h, 3, t, ARCFACE), expected)).toBe(true);
    expect(sameBytes(warpFaces(image, w, h, 3, t, { ...ARCFACE, threads: 1 }), expected)).toBe(true);
    expect(sameBytes(warpFaces(image, w, h, 3, t, { ...ARCFACE, threads: 5 }), expected)).toBe(true);
  });

  it('returns an empty tensor for zero faces', () => {
    expect(warpFaces(new Uint8Array(12), 2, 2, 3, new Float64Array(0), ARCFACE).length).toBe(0);
  });
});
