import { writeFileSync } from 'node:fs';
import { FacePipeline } from './src/pipeline.ts';
import { listPhotos } from './src/photos.ts';
const photos = await listPhotos(process.argv[2]);
const p = await FacePipeline.create(JSON.parse(process.argv[4] ?? '{}'));
const t = performance.now();
const images = await p.analyseAll(photos);
console.log(photos.length / ((performance.now() - t) / 1000), 'photos/s', p.clock.seconds);
writeFileSync(process.argv[3], JSON.stringify(images.map((i) => ({ ...i, faces: i.faces.map((f) => ({ ...f, embedding: Array.from(f.embedding) })) }))));
