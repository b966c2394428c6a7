import type { Tx } from '../db/client.js';
import { encodeSum } from './grouping.repository.js';
import { append } from './maps.js';

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
  const persons = await tx.person.findMany({ where: { id: { in: ids } }, select: { id: true, coverFaceId: true } });
  const faces = await tx.face.findMany({
    where: { personId: { in: ids } },
    select: { id: true, personId: true, imageId: true, score: true },
    orderBy: [{ score: 'desc' }, { id: 'asc' }],
  });
  const facesOf = new Map<string, typeof faces>();
  for (const face of faces) append(facesOf, face.personId!, face);
  const ownsCover = (person: (typeof persons)[number]) => (facesOf.get(person.id) ?? []).some((f) => f.id === person.coverFaceId);
  // Covers are unique: release the ones that moved away before another person takes them.
  const released = persons.filter((p) => p.coverFaceId !== null && !ownsCover(p)).map((p) => p.id);
  if (released.length > 0) await tx.person.updateMany({ where: { id: { in: released } }, data: { coverFaceId: null } });
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
  if (empty.length > 0) await tx.person.deleteMany({ where: { id: { in: empty } } });
}

export const findPerson = (tx: Tx, id: string) => tx.person.findUnique({ where: { id } });

export async function updatePerson(
  tx: Tx,
  id: string,
  data: { name?: string | null; hidden?: boolean; curated?: boolean },
): Promise<void> {
  await tx.person.update({ where: { id }, data });
}

export const createPerson = async (tx: Tx, groupId: string) => (await tx.person.create({ data: { groupId } })).id;

/** Puts a person back as a snapshot had it (created again when it was merged away or emptied since). */
export async function restorePerson(
  tx: Tx,
  groupId: string,
  { id, createdAt, ...fields }: { id: string; name: string | null; hidden: boolean; curated: boolean; createdAt: string },
): Promise<void> {
  await tx.person.upsert({ where: { id }, create: { id, groupId, createdAt: new Date(createdAt), ...fields }, update: fields });
}

/** A group's persons, with what says whether a user decided them (named, or merged and moved into). */
export const personsOfGroup = (tx: Tx, groupId: string) =>
  tx.person.findMany({ where: { groupId }, select: { id: true, name: true, curated: true } });
