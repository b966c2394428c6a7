/**
 * Child process of the benchmark: reads real face embeddings (JSON) on stdin, draws `count` faces around them
 * (each a real face plus Gaussian noise, one face per photo), groups them and prints seconds, persons, peak RSS.
 */
import { readFileSync } from 'node:fs';
import { groupFaces, l2Normalise, type GroupingFace } from '@facegroup/core';
import { gaussian, seededRandom } from '../test/support/random.js';

const count = Number(process.argv[2]);
const real: number[][] = JSON.parse(readFileSync(0, 'utf8'));
const uniform = seededRandom(12345);
const gauss = gaussian(uniform);
const dim = real[0].length;
// Noise of 0.6/sqrt(dim) per coordinate: a drawn face keeps a cosine of about 0.85 to its source.
const sigma = 0.6 / Math.sqrt(dim);
const faces: GroupingFace[] = Array.from({ length: count }, (_, i) => {
  const source = real[Math.floor(uniform() * real.length)];
  return {
    id: `photo${i}#0`,
    photo: `photo${i}`,
    embedding: l2Normalise(Float32Array.from(source, (v) => v + sigma * gauss())),
  };
});
const start = performance.now();
const { clusters } = groupFaces(faces, { threshold: 0.43, neighbours: 100 });
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ seconds, persons: clusters.length, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
