import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../module-worker.js';
import type { Assignment } from './assign-faces.js';
import type { QualityGrouping } from './quality-gate.js';
import type { GroupingReply, GroupingRequest, GroupingTasks } from './worker.js';

/** The grouping thread: worker.js of the built package, worker.ts from the workspace's sources. */
function startWorker(): Worker {
  return startModuleWorker(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url));
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (result: never) => void; reject: (error: unknown) => void }>();

/** One long-lived thread (starting one costs ~0.5 s from the sources), holding the process open only while it works. */
function groupingThread(): Worker {
  if (worker) return worker;
  const thread = startWorker();
  thread.on('message', (reply: GroupingReply) => {
    const request = pending.get(reply.id)!;
    pending.delete(reply.id);
    if (pending.size === 0) thread.unref();
    if ('error' in reply) request.reject(reply.error);
    else request.resolve(reply.result as never);
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

/** Runs a grouping task on the thread; its arguments and result are copied between the threads (structured clone). */
function runInThread<K extends keyof GroupingTasks>(
  task: K,
  args: Parameters<GroupingTasks[K]>,
): Promise<ReturnType<GroupingTasks[K]>> {
  const thread = groupingThread();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    thread.ref();
    thread.postMessage({ id, task, args } as GroupingRequest);
  });
}

/**
 * groupFacesByQuality on a worker thread, so that clustering a large group (seconds at tens of thousands of
 * faces) leaves the event loop free. Same arguments and result. Calls run one after another on that thread. An
 * error of the grouping rejects.
 */
export const groupFacesInWorker = (...args: Parameters<GroupingTasks['group']>): Promise<QualityGrouping> =>
  runInThread('group', args);

/** assignFaces on the grouping thread: incremental grouping of a batch's new faces, off the event loop. */
export const assignFacesInWorker = (...args: Parameters<GroupingTasks['assign']>): Promise<Assignment> =>
  runInThread('assign', args);
