/**
 * tsx bench/gpu-figures.ts [--faces N]
 * The GPU check's figures, as one JSON object on stdout: the embedder's faces/s on the configured execution
 * provider, native face warps/s and the k-nearest-neighbour search (k = 101, as grouping asks) over N faces
 * (default 100k) on the native device the configuration chooses (nativeDevice: CUDA when configured and built).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { backend, estimateSimilarity, topKAsync, warpFacesAsync } from '@facegroup/native-align';
import { ARCFACE_TEMPLATE_112, FacePipeline, nativeDevice, templateFor } from '@facegroup/core';
import { seededRandom } from '../test/support/random.js';
import { randomUnitRows } from './kernels.js';
import { pipelineOptions } from './options.js';

const { values } = parseArgs({ args: process.argv.slice(2), options: { faces: { type: 'string', default: '100000' } } });
const knnFaces = Number(values.faces);

/** Best of `runs` timings, in seconds. */
async function best(runs: number, work: () => Promise<unknown>): Promise<number> {
  let seconds = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    seconds = Math.min(seconds, (performance.now() - start) / 1000);
  }
  return seconds;
}

const pipeline = await FacePipeline.create(pipelineOptions());
const device = nativeDevice(pipeline.config.executionProvider);
const input = pipeline.embedder.entry.input;
const size = input.size!;
const random = seededRandom(1);

// The embedder on batches of 256 random crops (the speed does not depend on the pixels).
const batch = 256;
const crops = Float32Array.from({ length: batch * 3 * size * size }, () => random() * 2 - 1);
await pipeline.embedder.embed(crops, batch); // warm up (CUDA kernels, memory)
const embedSeconds = await best(3, () => pipeline.embedder.embed(crops, batch));

// Warps: 256 faces of a 1600 x 1200 photo into the embedder's input.
const [width, height] = [1600, 1200];
const photo = Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256));
const transforms = new Float64Array(batch * 6);
for (let f = 0; f < batch; f++) {
  const [x, y, scale] = [random() * (width - 300), random() * (height - 300), 1 + random() * 2];
  const landmarks = ARCFACE_TEMPLATE_112.flat().map((v, i) => v * scale + (i % 2 ? y : x));
  transforms.set(estimateSimilarity(landmarks, templateFor(size)), 6 * f);
}
const warp = () =>
  warpFacesAsync(photo, width, height, 3, transforms, {
    size,
    channelOrder: input.colorOrder,
    mean: input.mean,
    std: input.std,
    device,
  });
await warp();
const warpSeconds = await best(5, warp);

// k-NN over unit rows of the embedder's dimension, every face against every face.
const dim = pipeline.embedder.dimension;
const rows = randomUnitRows(knnFaces, dim, 2);
const knnSeconds = await best(1, () => topKAsync(rows, rows, dim, 101, { device }));

process.stdout.write(
  `${JSON.stringify(
    {
      executionProvider: pipeline.config.executionProvider,
      nativeDevice: device,
      nativeBackend: backend(),
      cpuThreads: availableParallelism(),
      embedder: { id: pipeline.embedder.entry.id, batch, facesPerSecond: batch / embedSeconds },
      warp: { faces: batch, size, facesPerSecond: batch / warpSeconds },
      knn: { faces: knnFaces, dim, k: 101, seconds: knnSeconds },
    },
    null,
    1,
  )}\n`,
);
