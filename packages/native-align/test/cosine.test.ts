import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { backend, cosineMatrix, peakGflops, topK } from '../index.js';
import { maxAbsDiff, randomFloats, refCosine, refTopK, rng, sameBytes } from './reference.js';

describe('cosineMatrix', () => {
  // Shapes around the kernel's tiles (6x16), cache blocks (144 rows, 3072 columns, depth 512).
  it.each([
    [37, 53, 128],
    [300, 257, 512],
    [1, 1, 3],
    [7, 17, 13],
    [150, 40, 700], // two depth blocks: accumulation path
    [6, 3100, 8], // two column blocks
  ])('matches the reference at %ix%ix%i', (na, nb, dim) => {
    const random = rng(na * 7919 + nb * 31 + dim);
    const a = randomFloats(na * dim, random),
      b = randomFloats(nb * dim, random);
    const out = cosineMatrix(a, b, dim);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(na * nb);
    expect(maxAbsDiff(out, refCosine(a, b, dim))).toBeLessThan(1e-4);
  });

  it('gives 0 for zero rows, 1 on the diagonal of a with itself, and handles empty inputs', () => {
    const dim = 5;
    const a = randomFloats(4 * dim, rng(3));
    a.fill(0, dim, 2 * dim); // row 1 is zero
    const out = cosineMatrix(a, a, dim);
    for (let i = 0; i < 4; i++) {
      expect(out[1 * 4 + i]).toBe(0);
      expect(out[i * 4 + 1]).toBe(0);
      if (i !== 1) expect(out[i * 4 + i]).toBeCloseTo(1, 5);
    }
    expect(cosineMatrix(new Float32Array(0), a, dim).length).toBe(0);
    expect(cosineMatrix(a, new Float32Array(0), dim).length).toBe(0);
  });

  it('is independent of scale and of the thread count', () => {
    const dim = 64;
    const a = randomFloats(200 * dim, rng(4)),
      b = randomFloats(90 * dim, rng(5));
    const expected = cosineMatrix(a, b, dim);
    expect(sameBytes(cosineMatrix(a, b, dim, { threads: 1 }), expected)).toBe(true);
    expect(sameBytes(cosineMatrix(a, b, dim, { threads: 7 }), expected)).toBe(true);
    expect(sameBytes(cosineMatrix(a, b, dim, { device: 'cpu' }), expected)).toBe(true);
    expect(
      maxAbsDiff(
        cosineMatrix(
          a.map((v) => v * 1000),
          b,
          dim,
        ),
        expected,
      ),
    ).toBeLessThan(1e-6);
  });
});

/** Compares with the reference; where reference scores are closer than float noise, order may differ. */
function expectTopK(
  got: { indices: Int32Array; scores: Float32Array },
  a: Float32Array,
  b: Float32Array,
  dim: number,
  k: number,
  excludeSelf = false,
) {
  const ref = refTopK(a, b, dim, k, excludeSelf);
  const na = a.length / dim;
  expect(got.indices).toBeInstanceOf(Int32Array);
  expect(got.scores).toBeInstanceOf(Float32Array);
  expect(got.indices.length).toBe(na * k);
  expect(got.scores.length).toBe(na * k);
  for (let i = 0; i < na; i++) {
    const ri = ref.indices[i],
      rs = ref.scores[i];
    for (let p = 0; p < k; p++) {
      const gi = got.indices[i * k + p],
        gs = got.scores[i * k + p];
      if (p >= ri.length) {
        expect(gi).toBe(-1);
        expect(gs).toBe(-Infinity);
        continue;
      }
      expect(Math.abs(gs - rs[p])).toBeLessThan(1e-4);
      const clear = (q: number) => q < 0 || q >= rs.length || Math.abs(rs[q] - rs[p]) > 1e-5;
      if (clear(p - 1) && clear(p + 1)) expect(gi).toBe(ri[p]);
      if (p > 0) expect(gs).toBeLessThanOrEqual(got.scores[i * k + p - 1]);
    }
  }
}

describe('topK', () => {
  it.each([
    [37, 53, 128, 5],
    [400, 300, 64, 10], // several row blocks (192) and column tiles (256)
    [20, 600, 16, 1],
    [3, 1000, 8, 40], // many candidate-buffer compactions
  ])('matches sorting the reference matrix at %ix%ix%i, k=%i', (na, nb, dim, k) => {
    const random = rng(na + nb * 3 + dim * 5 + k);
    const a = randomFloats(na * dim, random),
      b = randomFloats(nb * dim, random);
    expectTopK(topK(a, b, dim, k), a, b, dim, k);
  });

  it('excludeSelf skips j === i', () => {
    const dim = 32;
    const a = randomFloats(300 * dim, rng(8));
    const got = topK(a, a, dim, 6, { excludeSelf: true });
    expectTopK(got, a, a, dim, 6, true);
    for (let i = 0; i < 300; i++) expect(Array.from(got.indices.subarray(i * 6, i * 6 + 6))).not.toContain(i);
    // Without it, each row finds itself first.
    const self = topK(a, a, dim, 1);
    for (let i = 0; i < 300; i++) expect(self.indices[i]).toBe(i);
  });

  it('pads with -1 / -Infinity when k exceeds the candidates', () => {
    const dim = 4;
    const a = randomFloats(3 * dim, rng(9)),
      b = randomFloats(5 * dim, rng(10));
    expectTopK(topK(a, b, dim, 8), a, b, dim, 8);
    const self = topK(a, a, dim, 4, { excludeSelf: true });
    expectTopK(self, a, a, dim, 4, true);
    expect(Array.from(self.indices.subarray(0, 4)).filter((j) => j === -1).length).toBe(2);
    const empty = topK(a, new Float32Array(0), dim, 2);
    expect(Array.from(empty.indices)).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(Array.from(empty.scores).every((s) => s === -Infinity)).toBe(true);
  });

  it('breaks exact ties by lower index, across column tiles', () => {
    const dim = 8;
    const random = rng(11);
    const b = randomFloats(700 * dim, random);
    const q = randomFloats(dim, random);
    for (const j of [650, 3, 300, 299]) b.set(q, j * dim); // identical rows in different tiles
    const b2 = b.slice();
    b2.set(
      q.map((v) => v * 2),
      100 * dim,
    ); // same direction, other norm
    const got = topK(q, b2, dim, 6);
    expect(Array.from(got.indices.subarray(0, 5))).toEqual([3, 100, 299, 300, 650]);
    expect(new Set(Array.from(got.scores.subarray(0, 5))).size).toBe(1);
  });

  it('is independent of the thread count', () => {
    const dim = 48;
    const a = randomFloats(500 * dim, rng(12));
    const expected = topK(a, a, dim, 7, { excludeSelf: true });
    expect(topK(a, a, dim, 7, { excludeSelf: true, threads: 1 })).toEqual(expected);
    expect(topK(a, a, dim, 7, { excludeSelf: true, threads: 3 })).toEqual(expected);
  });
});

describe('portable (non-AVX2) kernels', () => {
  it('give the same results as the default kernels', () => {
    // A child process, because the kernel is chosen once at load time.
    const script = `
      const na = await import(${JSON.stringify(new URL('../index.js', import.meta.url).href)});
      const f = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.5);
      const a = f(150 * 37, 1), b = f(70 * 37, 2);
      const t = na.topK(a, b, 37, 9, { excludeSelf: true });
      process.stdout.write(JSON.stringify({
        simd: na.backend().simd, cos: Array.from(na.cosineMatrix(a, b, 37)),
        idx: Array.from(t.indices), sc: Array.from(t.scores) }));`;
    const child = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NATIVE_ALIGN_SIMD: 'generic' },
      }).toString(),
    );
    expect(child.simd).toBe('generic');
    const f = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.5);
    const a = f(150 * 37, 1),
      b = f(70 * 37, 2);
    expect(maxAbsDiff(child.cos, cosineMatrix(a, b, 37))).toBeLessThan(1e-5);
    expectTopK({ indices: Int32Array.from(child.idx), scores: Float32Array.from(child.sc) }, a, b, 37, 9, true);
    expect(['avx2', 'generic']).toContain(backend().simd);
  });
});

describe('peakGflops', () => {
  it('measures a positive throughput', () => {
    const all = peakGflops();
    expect(all).toBeGreaterThan(0);
    expect(peakGflops({ threads: 1 })).toBeGreaterThan(0);
    expect(Number.isFinite(all)).toBe(true);
  });
});
