/**
 * Child process of the benchmark: analyses `count` photos cycling through the first 40 of a folder and prints
 * its peak resident memory, so runs of different lengths show whether memory grows with the number of photos.
 */
import { FacePipeline, listPhotos } from '@facegroup/core';
import { pipelineOptions } from './options.js';

const [folder, count] = [process.argv[2], Number(process.argv[3])];
const distinct = (await listPhotos(folder)).slice(0, 40);
const photos = Array.from({ length: count }, (_, i) => ({ ...distinct[i % distinct.length], key: `photo${i}` }));
const pipeline = await FacePipeline.create(pipelineOptions());
const start = performance.now();
await pipeline.analyseAll(photos);
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ photos: count, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
