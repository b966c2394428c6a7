// The grouping thread of groupFacesInWorker: groups each request's faces and posts the result (or error) back.
import { parentPort } from 'node:worker_threads';
import { groupFacesByQuality } from './quality-gate.js';

export interface GroupingRequest {
  id: number;
  faces: Parameters<typeof groupFacesByQuality>[0];
  options: Parameters<typeof groupFacesByQuality>[1];
}

export type GroupingReply = { id: number; result: ReturnType<typeof groupFacesByQuality> } | { id: number; error: unknown };

parentPort!.on('message', ({ id, faces, options }: GroupingRequest) => {
  let reply: GroupingReply;
  try {
    reply = { id, result: groupFacesByQuality(faces, options) };
  } catch (error) {
    reply = { id, error };
  }
  parentPort!.postMessage(reply);
});
