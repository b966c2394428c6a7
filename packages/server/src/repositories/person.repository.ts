import type { Tx } from '../db/client.js';
import { encodeSum } from './grouping.repository.js';
import { append, chunksOf } from './maps.js';

/**
 * Brings persons up to date after their faces changed: face and photo counts, a cover face that is theirs
 * (kept if still theirs, else their best-scored face). A person exists while it has faces: empty ones are deleted.
 * Their embedding sums are `embeddingSums`' where given (grouping knows them), else dropped, to be summed from the
 * faces when incremental grouping next needs them.
 */
export async function refreshPersons(
  tx: Tx,
  personIds: Iterable<string | null>,
  embeddingSums: Map<string, Float64Array> = new Map(),
): Promise<void> {
  const ids = [...new Set([...personIds].filter((id): id is string => id !== null))];
  if (ids.length === 0) return;
  const persons: { id: string; coverFaceId: string | null }[] = [];
  const faces: { id: string; personId: string | null; imageId: string; score: number }[] = [];
  for (const chunk of chunksOf(ids)) {
    persons.push(...(await tx.person.findMany({ where: { id: { in: chunk } }, select: { id: true, coverFaceId: true } })));
    faces.push(
      ...(await tx.face.findMany({
        where: { personId: { in: chunk } },
        select: { id: true, personId: true, imageId: true, score: true },
        orderBy: [{ score: 'desc' }, { id: 'asc' }],
      })),
    );
  }
  const facesOf = new Map<string, typeof faces>();
  for (const face of faces) append(facesOf, face.personId!, face);
  const ownsCover = (person: (typeof persons)[number]) => (facesOf.get(person.id) ?? []).some((f) => f.id === person.coverFaceId);
  // Covers are unique: release the ones that moved away before another person takes them.
  const released = persons.filter((p) => p.coverFaceId !== null && !ownsCover(p)).map((p) => p.id);
  for (const chunk of chunksOf(released))
    await tx.person.updateMany({ where: { id: { in: chunk } }, data: { coverFaceId: null, coverChosen: false } });
  const empty: string[] = [];
  for (const person of persons) {
    const own = facesOf.get(person.id) ?? [];
    if (own.length === 0) {
      empty.push(person.id);
      continue;
    }
    const coverFaceId = ownsCover(person) ? person.coverFaceId : own[0].id;
    await tx.person.update({
      where: { id: person.id },
      data: {
        faceCount: own.length,
        photoCount: new Set(own.map((f) => f.imageId)).size,
        coverFaceId,
        embeddingSum: embeddingSums.has(person.id) ? encodeSum(embeddingSums.get(person.id)!) : null,
      },
    });
  }
  for (const chunk of chunksOf(empty)) await tx.person.deleteMany({ where: { id: { in: chunk } } });
}

export const findPerson = (tx: Tx, id: string) => tx.person.findUnique({ where: { id } });

/** Those of these persons that still exist. */
export const existingPersonIds = async (tx: Tx, ids: string[]) =>
  new Set((await tx.person.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((p) => p.id));

export async function updatePerson(
  tx: Tx,
  id: string,
  data: { name?: string | null; hidden?: boolean; curated?: boolean },
): Promise<void> {
  await tx.person.update({ where: { id }, data });
}

export const createPerson = async (tx: Tx, groupId: string) => (await tx.person.create({ data: { groupId } })).id;

/**
 * Puts a person back as a snapshot had it (created again when it was merged away or emptied since). Its cover
 * comes back with restoreCover, once its faces are back.
 */
export async function restorePerson(
  tx: Tx,
  groupId: string,
  {
    id,
    createdAt,
    name,
    hidden,
    curated,
  }: { id: string; name: string | null; hidden: boolean; curated: boolean; createdAt: string },
): Promise<void> {
  const fields = { name, hidden, curated };
  await tx.person.upsert({ where: { id }, create: { id, groupId, createdAt: new Date(createdAt), ...fields }, update: fields });
}

/** Makes one of the person's faces its cover, as a user's choice: refreshing the person keeps it while the face is its. */
export async function setCover(tx: Tx, personId: string, faceId: string): Promise<void> {
  await tx.person.update({ where: { id: personId }, data: { coverFaceId: faceId, coverChosen: true } });
}

/**
 * Gives a person back the cover a snapshot had, when that face is the person's again (faces are put back first).
 * Snapshots without a cover leave it to refreshPersons.
 */
export async function restoreCover(
  tx: Tx,
  { id, coverFaceId, coverChosen }: { id: string; coverFaceId?: string | null; coverChosen?: boolean },
): Promise<void> {
  if (!coverFaceId) return;
  const face = await tx.face.findUnique({ where: { id: coverFaceId }, select: { personId: true } });
  if (face?.personId !== id) return;
  // Covers are unique: the person that has it now (the face was its until now) gives it up.
  await tx.person.updateMany({ where: { coverFaceId, id: { not: id } }, data: { coverFaceId: null, coverChosen: false } });
  await tx.person.update({ where: { id }, data: { coverFaceId, coverChosen: coverChosen ?? false } });
}

/** A group's persons, with what says whether a user decided them (named, or merged and moved into). */
export const personsOfGroup = (tx: Tx, groupId: string) =>
  tx.person.findMany({ where: { groupId }, select: { id: true, name: true, curated: true } });
