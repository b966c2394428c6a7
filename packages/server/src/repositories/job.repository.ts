import type { AnalysedFace } from '@facegroup/core';
import type { Tx } from '../db/client.js';
import { replaceFaces, withoutForgottenFaces } from './face.repository.js';

export type JobItem = Awaited<ReturnType<Tx['jobItem']['findMany']>>[number];

/** Photos of every group waiting to be analysed. */
export const pendingPhotoCount = (tx: Tx) => tx.jobItem.count({ where: { status: 'PENDING' } });

/** Jobs not done yet (photos still to analyse, or the regroup that ends them), oldest first. */
export const unfinishedJobs = (tx: Tx) =>
  tx.job.findMany({
    where: { status: { not: 'DONE' } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, groupId: true },
  });

export const findJob = (tx: Tx, id: string) => tx.job.findUnique({ where: { id } });

/** The job's pending items, in order: those of `ids` when given, else the first `take`. */
export const pendingItems = (tx: Tx, jobId: string, { ids, take }: { ids?: string[]; take?: number } = {}) =>
  tx.jobItem.findMany({
    where: { jobId, status: 'PENDING', ...(ids ? { id: { in: ids } } : {}) },
    orderBy: { position: 'asc' },
    take,
  });

export async function markRunning(tx: Tx, jobId: string): Promise<void> {
  await tx.job.updateMany({ where: { id: jobId, status: 'QUEUED' }, data: { status: 'RUNNING', startedAt: new Date() } });
}

/** Every photo of the job is analysed and grouped incrementally: the full regroup will finish it. */
export async function markGrouping(tx: Tx, jobId: string): Promise<void> {
  await tx.job.updateMany({ where: { id: jobId, status: { in: ['QUEUED', 'RUNNING'] } }, data: { status: 'GROUPING' } });
}

export const hasPending = async (tx: Tx, jobId: string) => (await tx.jobItem.count({ where: { jobId, status: 'PENDING' } })) > 0;

/** Marks the job done once no photo of it is pending (any process may call it; the first that finds none does). */
export async function finishIfDone(tx: Tx, jobId: string): Promise<boolean> {
  if (await hasPending(tx, jobId)) return false;
  await tx.job.updateMany({ where: { id: jobId, status: { not: 'DONE' } }, data: { status: 'DONE', finishedAt: new Date() } });
  return true;
}

/** Marks done the group's jobs that have no photo pending (after the regroup that makes their persons final). */
export async function finishGroupJobs(tx: Tx, groupId: string): Promise<string[]> {
  const jobs = await tx.job.findMany({
    where: { groupId, status: { not: 'DONE' }, items: { none: { status: 'PENDING' } } },
    select: { id: true },
  });
  const ids = jobs.map((job) => job.id);
  if (ids.length > 0) await tx.job.updateMany({ where: { id: { in: ids } }, data: { status: 'DONE', finishedAt: new Date() } });
  return ids;
}

export const finishItem = (
  tx: Tx,
  id: string,
  status: 'FAILED' | 'DUPLICATE',
  imageId: string | null,
  errorCode?: string,
  error?: string,
) => tx.jobItem.update({ where: { id }, data: { status, imageId, errorCode, error } });

/** Fails the items still pending among these, with the reason. */
export const failPendingItems = (tx: Tx, ids: string[], errorCode: string, error: string) =>
  tx.jobItem.updateMany({ where: { id: { in: ids }, status: 'PENDING' }, data: { status: 'FAILED', errorCode, error } });

export const imageOfContent = (tx: Tx, groupId: string, contentHash: string) =>
  tx.image.findUnique({ where: { groupId_contentHash: { groupId, contentHash } } });

export const createImage = (tx: Tx, groupId: string, item: JobItem, contentHash: string, size: number) =>
  tx.image.create({
    data: {
      groupId,
      userId: item.userId,
      sourceKind: item.sourceKind,
      location: item.sourceKind === 'UPLOAD' ? item.key : item.location,
      key: item.key,
      contentHash,
      size,
    },
  });

/**
 * Stores a photo's analysis (its faces, less forgotten ones, and when it was taken) and finishes its item:
 * idempotent, one transaction.
 */
export async function saveAnalysis(
  tx: Tx,
  groupId: string,
  item: JobItem,
  imageId: string,
  result: { error?: string; width?: number; height?: number; faces: AnalysedFace[] },
  takenAt?: Date | null,
): Promise<void> {
  if (result.error) {
    await tx.image.update({ where: { id: imageId }, data: { status: 'FAILED', error: result.error, analysedAt: new Date() } });
  } else {
    await replaceFaces(tx, groupId, imageId, await withoutForgottenFaces(tx, groupId, imageId, result.faces));
    await tx.image.update({
      where: { id: imageId },
      data: { status: 'ANALYSED', width: result.width, height: result.height, analysedAt: new Date(), takenAt },
    });
  }
  await tx.jobItem.update({
    where: { id: item.id },
    data: result.error
      ? { status: 'FAILED', imageId, errorCode: 'UNSUPPORTED_IMAGE', error: `${item.key}: ${result.error}` }
      : { status: 'DONE', imageId },
  });
}

/** A new job with an item per photo, in order. */
export async function createJob(
  tx: Tx,
  groupId: string,
  kind: string,
  userId: string | null,
  items: { key: string; location: string }[],
) {
  const job = await tx.job.create({ data: { groupId, kind } });
  await tx.jobItem.createMany({
    data: items.map((item, position) => ({ jobId: job.id, position, sourceKind: kind, userId, ...item })),
  });
  return job;
}
