// The face pipeline on its own thread (see pipeline-thread.ts): ONNX Runtime's inference runs synchronously, and
// here it holds up this thread alone, not the server's event loop.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { FacePipeline, type ConfigOverrides } from '@facegroup/core';
import type { PipelineReply, PipelineRequest } from './pipeline-thread.js';

/** Niceness of analysis: on a machine it shares with the API, requests get the CPU first. */
const ANALYSIS_NICENESS = 10;

const port = parentPort!;
const post = (reply: PipelineReply) => port.postMessage(reply);

/**
 * Lowers this thread's CPU priority, and so that of the inference threads ONNX Runtime starts from it (Linux threads
 * inherit it). Linux alone has a priority per thread (its id from /proc/thread-self); elsewhere nothing changes.
 */
function lowerPriority(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), ANALYSIS_NICENESS);
  } catch {
    // not Linux, or not allowed: analysis keeps the process's priority
  }
}

lowerPriority();
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
