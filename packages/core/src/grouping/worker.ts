// The grouping thread of groupFacesInWorker and assignFacesInWorker: runs each request and posts the result (or error) back.
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../module-worker.js';
import { assignFaces } from './assign-faces.js';
import { groupFacesByQuality } from './quality-gate.js';

const tasks = { group: groupFacesByQuality, assign: assignFaces };
export type GroupingTasks = typeof tasks;

export type GroupingRequest = {
  [K in keyof GroupingTasks]: { id: number; task: K; args: Parameters<GroupingTasks[K]> };
}[keyof GroupingTasks];

export type GroupingReply = { id: number; result: unknown } | { id: number; error: unknown };

// Clustering a large group takes seconds of CPU: the caller's thread (a server's event loop) gets it first.
lowerThreadPriority();

parentPort!.on('message', (request: GroupingRequest) => {
  let reply: GroupingReply;
  try {
    const run = tasks[request.task] as (...args: unknown[]) => unknown;
    reply = { id: request.id, result: run(...request.args) };
  } catch (error) {
    reply = { id: request.id, error };
  }
  parentPort!.postMessage(reply);
});
