import type { Tx } from '../db/client.js';

export type CorrectionKind = 'RENAME' | 'MERGE' | 'MOVE_FACES' | 'NOT_PERSON' | 'SET_HIDDEN' | 'SET_COVER' | 'DIFFERENT_PERSONS';

export interface PersonSnapshot {
  id: string;
  name: string | null;
  hidden: boolean;
  curated: boolean;
  createdAt: string;
  /** The cover face and whether a user chose it (snapshots made before covers could be chosen have neither). */
  coverFaceId?: string | null;
  coverChosen?: boolean;
}

/** What a correction did, and the state before it: enough to show it and to undo it. */
export interface CorrectionPayload {
  summary: string;
  before: {
    persons: PersonSnapshot[];
    /**
     * [face id, its person id before, and when that was none, why (Face.unassigned; recorded by face moves, the
     * only correction that puts faces from no person into one)].
     */
    faces: [string, string | null, (string | null)?][];
  };
  /** "Not this person": face pairs grouping must keep apart while the correction stands. */
  apart?: [string, string][];
  /** "Different persons": the faces of each of the two persons when it was said; grouping keeps them apart. */
  faceIds?: [string[], string[]];
}

export async function snapshotPersons(tx: Tx, ids: string[]): Promise<PersonSnapshot[]> {
  const persons = await tx.person.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
  return persons.map(({ id, name, hidden, curated, createdAt, coverFaceId, coverChosen }) => ({
    id,
    name,
    hidden,
    curated,
    createdAt: createdAt.toISOString(),
    coverFaceId,
    coverChosen,
  }));
}

/** Records a correction as the group's next in sequence (callers hold the group's lock). */
export async function recordCorrection(
  tx: Tx,
  groupId: string,
  kind: CorrectionKind,
  personId: string,
  payload: CorrectionPayload,
) {
  const last = await tx.correction.findFirst({ where: { groupId }, orderBy: { sequence: 'desc' }, select: { sequence: true } });
  const sequence = (last?.sequence ?? 0) + 1;
  return tx.correction.create({ data: { groupId, sequence, kind, personId, payload: JSON.stringify(payload) } });
}

export const payloadOf = (correction: { payload: string }) => JSON.parse(correction.payload) as CorrectionPayload;

/** The standing "not this person" corrections: the faces users took out, and the face pairs grouping must keep apart. */
export async function standingNotThisPerson(
  tx: Tx,
  groupId: string,
): Promise<{ takenOut: Set<string>; apart: [string, string][] }> {
  const corrections = await tx.correction.findMany({ where: { groupId, kind: 'NOT_PERSON', undoneAt: null } });
  const payloads = corrections.map(payloadOf);
  return {
    takenOut: new Set(payloads.flatMap((payload) => payload.before.faces.map(([faceId]) => faceId))),
    apart: payloads.flatMap((payload) => payload.apart ?? []),
  };
}

export const findCorrection = (tx: Tx, id: string) => tx.correction.findUniqueOrThrow({ where: { id } });

/** The group's latest correction still standing (undo goes backwards). */
export const latestStanding = (tx: Tx, groupId: string) =>
  tx.correction.findFirst({ where: { groupId, undoneAt: null }, orderBy: { sequence: 'desc' } });

export const markUndone = (tx: Tx, id: string) => tx.correction.update({ where: { id }, data: { undoneAt: new Date() } });

/** The standing "different persons" corrections: per correction, the two face sets grouping must keep apart. */
export async function standingDifferentPersons(tx: Tx, groupId: string): Promise<[string[], string[]][]> {
  const corrections = await tx.correction.findMany({ where: { groupId, kind: 'DIFFERENT_PERSONS', undoneAt: null } });
  return corrections.flatMap((correction) => {
    const { faceIds } = payloadOf(correction);
    return faceIds ? [faceIds] : [];
  });
}
