import { FacePipeline } from './src/pipeline.ts';
import { listPhotos } from './src/photos.ts';
const photos = (await listPhotos('/work/shared/eval/dev/photos')).slice(0, Number(process.argv[2] ?? 40));
const p = await FacePipeline.create(JSON.parse(process.argv[3] ?? '{}'));
const t = performance.now();
await p.analyseAll(photos);
const s = (performance.now() - t) / 1000;
console.log((photos.length / s).toFixed(2), 'photos/s', s.toFixed(1), 's', Object.entries(p.clock.seconds).map(([k, v]) => k + ' ' + v.toFixed(2)).join(', '));
