/**
 * pnpm bench [folder] [--json] [--quick] [--native-device cuda]; pnpm bench --server [--json]: see bench/server.ts
 * Prints figures, asserts nothing: pipeline speed per stage and memory on a folder of photos (default: the dev
 * split), the native cosine matrix and top-k against a TypeScript loop and this machine's fp32 peak, and
 * grouping 10k and 100k synthetic faces (drawn around real faces' embeddings) in child processes.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backend, cosineMatrix, peakGflops, topK } from '@facegroup/native-align';
import { FacePipeline, groupImages, listPhotos } from '@facegroup/core';
import { checkoutRoot, devPhotos } from '../test/support/fixtures.js';
import { cosineLoop, randomUnitRows } from './kernels.js';
import { pipelineOptions } from './options.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    'native-device': { type: 'string' },
    server: { type: 'boolean' },
  },
  allowPositionals: true,
});
if (values.server) {
  // The server's figures (bench/server.ts) instead of the pipeline's.
  await import('./server.js');
  process.exit(0);
}
const say = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};
const folder = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] ?? devPhotos);

// 1. The pipeline end to end.
const photos = await listPhotos(folder);
const pipeline = await FacePipeline.create(pipelineOptions());
const start = performance.now();
const images = await pipeline.analyseAll(photos);
const totalSeconds = (performance.now() - start) / 1000;
const faces = images.reduce((sum, image) => sum + image.faces.length, 0);
const groupStart = performance.now();
groupImages(images, pipeline.groupingOptions);
const groupSeconds = (performance.now() - groupStart) / 1000;
const stages = pipeline.clock.seconds;
const inferenceSeconds = ['detect.pnet', 'detect.rnet', 'detect.onet', 'detect.scrfd', 'embed'].reduce(
  (sum, s) => sum + (stages[s] ?? 0),
  0,
);
const peakRssMB = process.resourceUsage().maxRSS / 1024;
say(
  `pipeline: ${photos.length} photos, ${faces} faces in ${totalSeconds.toFixed(1)} s: ` +
    `${(photos.length / totalSeconds).toFixed(2)} photos/s, ${(faces / totalSeconds).toFixed(1)} faces/s`,
);
say(
  `  ONNX inference ${inferenceSeconds.toFixed(1)} s (total/inference ${(totalSeconds / inferenceSeconds).toFixed(2)}), grouping ${groupSeconds.toFixed(2)} s, peak RSS ${peakRssMB.toFixed(0)} MB`,
);
say(
  `  stage seconds (summed over photos; non-network stages of concurrent photos overlap): ${Object.entries(stages)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ')}`,
);
const threads = pipeline.config.threads || availableParallelism();
say(
  `  execution provider ${pipeline.config.executionProvider}, ONNX Runtime intra-op threads ${threads}, ${pipeline.config.batchPhotos} photos per batch, detector ${pipeline.config.detector}, embedder ${pipeline.config.embedder}`,
);

// Memory against the number of photos: the same 40 photos analysed 40 and 160 times, each in its own process.
const memoryRuns: { photos: number; seconds: number; peakRssMB: number }[] = [];
if (!values.quick) {
  for (const count of [40, 160]) {
    const out = execFileSync(process.execPath, [
      '--import',
      'tsx',
      resolve(checkoutRoot, 'bench', 'analyse-repeated.ts'),
      folder,
      String(count),
    ]);
    memoryRuns.push(JSON.parse(out.toString()));
  }
  say(
    `  peak RSS by photos analysed (40 distinct photos, cycled): ${memoryRuns.map((r) => `${r.photos}: ${r.peakRssMB.toFixed(0)} MB`).join(', ')}`,
  );
}

// 2. The native cosine matrix and top-k.
const device = values['native-device'] === 'cuda' ? 'cuda' : 'cpu';
const peak = peakGflops();
const native = backend();
say(
  `\nnative-align: ${native.simd}, ${native.threads} threads, cuda ${native.cuda}, cosineMatrix on ${device}; measured CPU fp32 peak ${peak.toFixed(1)} GFLOP/s`,
);
const gflops = (n: number, m: number, dim: number, seconds: number) => (2 * n * m * dim) / seconds / 1e9;
/** Seconds of the fastest of `runs` runs: the machine's speed, not a moment's contention. */
const timeIt = (work: () => unknown, runs = 1) => {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const t = performance.now();
    work();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
};
const sizes = values.quick ? [1000, 4000] : [1000, 4000, 10000, 20000];
let cosine4k = { gflops: 0, tsLoopGflops: 0, peakGflops: peak, topKGflops: 0 };
for (const dim of [128, 512]) {
  for (const n of sizes) {
    const a = randomUnitRows(n, dim, 1);
    const b = randomUnitRows(n, dim, 2);
    cosineMatrix(a.subarray(0, 64 * dim), b.subarray(0, 64 * dim), dim, { device }); // warm up threads, caches, GPU
    const runs = n <= 4000 ? 3 : 1;
    const cosineSeconds = timeIt(() => cosineMatrix(a, b, dim, { device }), runs);
    const topSeconds = timeIt(() => topK(a, b, dim, 32), runs);
    let line = `  ${n}x${n}x${dim}: cosineMatrix ${gflops(n, n, dim, cosineSeconds).toFixed(1)} GFLOP/s (${(cosineSeconds * 1000).toFixed(0)} ms), topK(32) ${gflops(n, n, dim, topSeconds).toFixed(1)} GFLOP/s`;
    if (n === 1000 || (n === 4000 && dim === 512)) {
      const rows = n === 1000 ? n : 250; // the TS loop is slow: a slice of the rows gives its rate
      const loopSeconds = timeIt(() => cosineLoop(a.subarray(0, rows * dim), b, dim));
      const loop = gflops(rows, n, dim, loopSeconds);
      line += `, TypeScript loop ${loop.toFixed(2)} GFLOP/s (native ${(gflops(n, n, dim, cosineSeconds) / loop).toFixed(0)}x)`;
      if (n === 4000 && dim === 512) {
        cosine4k = {
          gflops: gflops(n, n, dim, cosineSeconds),
          tsLoopGflops: loop,
          peakGflops: peak,
          topKGflops: gflops(n, n, dim, topSeconds),
        };
        line += `, ${((100 * cosine4k.gflops) / peak).toFixed(0)}% of peak`;
      }
    }
    say(line);
  }
}

// 3. Grouping synthetic faces around the real ones, each size in its own process for its own peak memory.
const embeddings = images.flatMap((image) => image.faces.map((face) => Array.from(face.embedding)));
const groupRuns: Record<string, { seconds: number; peakRssMB: number; persons: number }> = {};
for (const count of values.quick ? [10_000] : [10_000, 100_000]) {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', resolve(checkoutRoot, 'bench', 'group-synthetic.ts'), String(count)],
    {
      input: JSON.stringify(embeddings),
      maxBuffer: 1 << 20,
    },
  );
  groupRuns[count] = JSON.parse(out.toString());
  say(
    `grouping ${count} synthetic faces: ${groupRuns[count].seconds.toFixed(1)} s, ${groupRuns[count].persons} persons, peak RSS ${groupRuns[count].peakRssMB.toFixed(0)} MB`,
  );
}

if (values.json) {
  process.stdout.write(
    `${JSON.stringify(
      {
        folder,
        photos: photos.length,
        faces,
        photosPerSecond: photos.length / totalSeconds,
        facesPerSecond: faces / totalSeconds,
        inferenceSeconds,
        totalSeconds,
        groupSeconds,
        stageSeconds: stages,
        peakRssMB,
        memoryByPhotos: memoryRuns,
        executionProvider: pipeline.config.executionProvider,
        threads,
        cosine: cosine4k,
        group10k: groupRuns[10_000],
        group100k: groupRuns[100_000] ?? null,
      },
      null,
      1,
    )}\n`,
  );
}
