import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../module-worker.js';
import type { FaceQuality } from '../types.js';
import type { GroupingFace } from './group-faces.js';
import type { QualityGrouping, QualityGroupingOptions } from './quality-gate.js';
import type { GroupingReply, GroupingRequest } from './worker.js';

/** The grouping thread: worker.js of the built package, worker.ts from the workspace's sources. */
function startWorker(): Worker {
  return startModuleWorker(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url));
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (grouping: QualityGrouping) => void; reject: (error: unknown) => void }>();

/** One long-lived thread (starting one costs ~0.5 s from the sources), holding the process open only while it works. */
function groupingThread(): Worker {
  if (worker) return worker;
  const thread = startWorker();
  thread.on('message', (reply: GroupingReply) => {
    const request = pending.get(reply.id)!;
    pending.delete(reply.id);
    if (pending.size === 0) thread.unref();
    if ('error' in reply) request.reject(reply.error);
    else request.resolve(reply.result);
  });
  // A thread that failed (out of memory, say) fails what it was given; the next call starts another.
  const fail = (error: unknown) => {
    if (worker === thread) worker = undefined;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`grouping thread exited with code ${code}`)));
  worker = thread;
  return thread;
}

/**
 * groupFacesByQuality on a worker thread, so that clustering a large group (seconds at tens of thousands of
 * faces) leaves the event loop free. Same arguments and result; faces and result are copied between the threads
 * (structured clone). Calls are grouped one after another on that thread. An error of the grouping rejects.
 */
export function groupFacesInWorker(
  faces: (GroupingFace & { quality: FaceQuality })[],
  options: QualityGroupingOptions,
): Promise<QualityGrouping> {
  const thread = groupingThread();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    thread.ref();
    const request: GroupingRequest = { id, faces, options };
    thread.postMessage(request);
  });
}
