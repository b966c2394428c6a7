import { createHash } from 'node:crypto';
import type { FaceQuality, PersonCentroid } from '@facegroup/core';
import type { Tx } from '../db/client.js';
import { decodeEmbedding } from './face.repository.js';
import { append, chunksOf, readInPages } from './maps.js';

/** What incremental grouping and the full regroup read and write, apart from the faces' persons themselves. */

/** A group's new faces: analysed, and grouping has not looked at them yet (no person, no reason for none). */
export async function newFaces(tx: Tx, groupId: string) {
  const rows = await tx.face.findMany({
    where: { groupId, personId: null, unassigned: null },
    select: { id: true, imageId: true, embedding: true, quality: true },
  });
  return rows.map((row) => ({
    id: row.id,
    photo: row.imageId,
    embedding: decodeEmbedding(row.embedding),
    quality: JSON.parse(row.quality) as FaceQuality,
  }));
}

/**
 * The group's persons as embedding sums, with when each last changed (a write checks they did not meanwhile).
 * A person whose sum is not stored (a correction or erasure changed its faces since) has it summed from its faces:
 * those are `summed`, for the write to store.
 */
export async function personCentroids(tx: Tx, groupId: string) {
  const persons = await tx.person.findMany({
    where: { groupId },
    select: { id: true, embeddingSum: true, faceCount: true, updatedAt: true },
  });
  const missing = persons.filter((person) => person.embeddingSum === null).map((person) => person.id);
  const summed = new Map<string, Float32Array[]>();
  for (const chunk of chunksOf(missing)) {
    const faces = await tx.face.findMany({ where: { personId: { in: chunk } }, select: { personId: true, embedding: true } });
    for (const face of faces) append(summed, face.personId!, decodeEmbedding(face.embedding));
  }
  const sums = embeddingSums(summed);
  const centroids: PersonCentroid[] = persons.flatMap((person) => {
    const embeddingSum = person.embeddingSum ? decodeSum(person.embeddingSum) : sums.get(person.id);
    return embeddingSum ? [{ id: person.id, embeddingSum, faceCount: person.faceCount }] : [];
  });
  return {
    centroids,
    summed: new Set(sums.keys()),
    changedAt: new Map(persons.map((person) => [person.id, person.updatedAt.getTime()])),
  };
}

/** The group's persons whose embedding sum is not stored (a correction or erasure changed their faces). */
export const personsWithoutSum = async (tx: Tx, groupId: string) =>
  (await tx.person.findMany({ where: { groupId, embeddingSum: null }, select: { id: true } })).map((person) => person.id);

/** When these persons last changed (absent: gone). */
export async function personsChangedAt(tx: Tx, ids: string[]): Promise<Map<string, number>> {
  const persons = await tx.person.findMany({ where: { id: { in: ids } }, select: { id: true, updatedAt: true } });
  return new Map(persons.map((person) => [person.id, person.updatedAt.getTime()]));
}

/** How many of these faces are still new (see newFaces). */
export const countNewFaces = (tx: Tx, ids: string[]) =>
  tx.face.count({ where: { id: { in: ids }, personId: null, unassigned: null } });

/** Sums of the embeddings of each set of faces. */
export function embeddingSums(members: Map<string, Float32Array[]>): Map<string, Float64Array> {
  const sums = new Map<string, Float64Array>();
  for (const [id, embeddings] of members) {
    const sum = new Float64Array(embeddings[0]?.length ?? 0);
    for (const embedding of embeddings) addEmbedding(sum, embedding);
    sums.set(id, sum);
  }
  return sums;
}

/**
 * Embedding norms of up to `count` of the group's faces (ids are random UUIDs, so the first by id are a random
 * sample): their median judges weak faces as that of the whole group would, at a bounded cost.
 */
export async function embeddingNormSample(tx: Tx, groupId: string, count: number): Promise<number[]> {
  const rows = await tx.face.findMany({ where: { groupId }, select: { quality: true }, orderBy: { id: 'asc' }, take: count });
  return rows.map((row) => (JSON.parse(row.quality) as FaceQuality).embeddingNorm);
}

/**
 * A digest of everything a regroup reads besides embeddings: which faces there are and their persons, the
 * persons and whether a user decided them, and the corrections standing. A regroup clusters outside any
 * transaction and writes only if the digest is unchanged.
 */
export async function groupingState(tx: Tx, groupId: string): Promise<string> {
  const [faces, persons, corrections] = await Promise.all([
    readInPages((page) => tx.face.findMany({ where: { groupId }, select: { id: true, personId: true }, ...page })),
    tx.person.findMany({ where: { groupId }, select: { id: true, name: true, curated: true }, orderBy: { id: 'asc' } }),
    tx.correction.findMany({ where: { groupId, undoneAt: null }, select: { id: true }, orderBy: { id: 'asc' } }),
  ]);
  const hash = createHash('sha256');
  for (const face of faces) hash.update(`f${face.id}:${face.personId ?? ''}\n`);
  for (const person of persons) hash.update(`p${person.id}:${person.name === null ? 0 : 1}${person.curated ? 1 : 0}\n`);
  for (const correction of corrections) hash.update(`c${correction.id}\n`);
  return hash.digest('hex');
}

/** A merge suggestion as the group keeps it between regroups: two person ids, the larger person first. */
export interface StoredSuggestion {
  a: string;
  b: string;
  similarity: number;
}

export async function saveMergeSuggestions(tx: Tx, groupId: string, suggestions: StoredSuggestion[]): Promise<void> {
  // updateMany: a group deleted meanwhile is no error.
  await tx.group.updateMany({ where: { id: groupId }, data: { mergeSuggestions: JSON.stringify(suggestions) } });
}

export async function mergeSuggestionsOf(tx: Tx, groupId: string): Promise<StoredSuggestion[]> {
  const group = await tx.group.findUnique({ where: { id: groupId }, select: { mergeSuggestions: true } });
  return group?.mergeSuggestions ? (JSON.parse(group.mergeSuggestions) as StoredSuggestion[]) : [];
}

/** Adds a face's embedding to a sum. */
export function addEmbedding(sum: Float64Array, embedding: Float32Array): void {
  for (let d = 0; d < sum.length; d++) sum[d] += embedding[d];
}

export function encodeSum(sum: Float64Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sum.buffer.slice(sum.byteOffset, sum.byteOffset + sum.byteLength) as ArrayBuffer);
}

export function decodeSum(bytes: Uint8Array): Float64Array {
  const copy = new Uint8Array(bytes); // aligned, owned copy
  return new Float64Array(copy.buffer, 0, copy.byteLength / 8);
}
