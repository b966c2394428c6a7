// The face pipeline on its own thread (see pipeline-thread.ts): ONNX Runtime's inference runs synchronously, and
// here it holds up this thread alone, not the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { FacePipeline, type ConfigOverrides, lowerThreadPriority } from '@facegroup/core';
import type { PipelineReply, PipelineRequest } from './pipeline-thread.js';

const port = parentPort!;
const post = (reply: PipelineReply) => port.postMessage(reply);

// On a machine it shares with the API, requests get the CPU first (the inference threads inherit the priority).
lowerThreadPriority();
try {
  const pipeline = await FacePipeline.create({
    ...(workerData as ConfigOverrides),
    onWarning: (message) => post({ warning: message }),
  });
  port.on('message', async ({ id, sources }: PipelineRequest) => {
    try {
      post({ id, results: await pipeline.analyseAll(sources) });
    } catch (error) {
      post({ id, error: (error as Error).stack ?? String(error) });
    }
  });
  post({ ready: pipeline.config });
} catch (error) {
  post({ failed: (error as Error).message });
}
