import type { Db } from '../db/client.js';
import { Prisma } from '../db/generated/sqlite/client.js';
import { ownedCorrection, ownedFace, ownedGroup, ownedImage, ownedJob, ownedPerson } from './owned.repository.js';

export interface Page {
  first: number;
  offset: number;
}

export interface PageOf<T> {
  totalCount: number;
  nodes: T[];
}

const PERSON_ORDER = [{ photoCount: 'desc' }, { faceCount: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }] as const;
const skipTake = ({ first, offset }: Page) => ({ take: first, skip: offset });

/**
 * The API's reads: entities by id, lists and pages, and the batched forms the request loaders use so that a list of
 * persons with their faces costs a few statements, not a few per person.
 */
export class ReadRepository {
  constructor(private readonly db: Db) {}

  groups = (ownerId: string) => this.db.group.findMany({ where: { ownerId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

  // The owner's entity by id, or null (another owner's is as absent as one that never existed).
  ownedGroup = (ownerId: string, id: string) => ownedGroup(this.db, ownerId, id);
  ownedPerson = (ownerId: string, id: string) => ownedPerson(this.db, ownerId, id);
  ownedImage = (ownerId: string, id: string) => ownedImage(this.db, ownerId, id);
  ownedFace = (ownerId: string, id: string) => ownedFace(this.db, ownerId, id);
  ownedJob = (ownerId: string, id: string) => ownedJob(this.db, ownerId, id);
  ownedCorrection = (ownerId: string, id: string) => ownedCorrection(this.db, ownerId, id);

  // Batched by id, for the loaders.
  groupsByIds = (ids: readonly string[]) => this.db.group.findMany({ where: { id: { in: [...ids] } } });
  personsByIds = (ids: readonly string[]) => this.db.person.findMany({ where: { id: { in: [...ids] } } });
  imagesByIds = (ids: readonly string[]) => this.db.image.findMany({ where: { id: { in: [...ids] } } });
  facesByIds = (ids: readonly string[]) => this.db.face.findMany({ where: { id: { in: [...ids] } } });
  usersByIds = (ids: readonly string[]) => this.db.groupUser.findMany({ where: { id: { in: [...ids] } } });
  facesOfImages = (imageIds: readonly string[]) =>
    this.db.face.findMany({ where: { imageId: { in: [...imageIds] } }, orderBy: [{ imageId: 'asc' }, { index: 'asc' }] });

  users = (groupId: string) => this.db.groupUser.findMany({ where: { groupId }, orderBy: { name: 'asc' } });

  async counts(groupId: string) {
    const [byStatus, faces, persons, unassignedFaces] = await Promise.all([
      this.db.image.groupBy({ by: ['status'], where: { groupId }, _count: { _all: true } }),
      this.db.face.count({ where: { groupId } }),
      this.db.person.count({ where: { groupId } }),
      this.db.face.count({ where: { groupId, personId: null } }),
    ]);
    return { imagesByStatus: new Map(byStatus.map((s) => [s.status, s._count._all])), faces, persons, unassignedFaces };
  }

  async persons(
    groupId: string,
    includeHidden: boolean,
    page: Page,
  ): Promise<PageOf<Awaited<ReturnType<Db['person']['findFirstOrThrow']>>>> {
    const where = { groupId, ...(includeHidden ? {} : { hidden: false }) };
    const [totalCount, nodes] = await Promise.all([
      this.db.person.count({ where }),
      this.db.person.findMany({ where, orderBy: [...PERSON_ORDER], ...skipTake(page) }),
    ]);
    return { totalCount, nodes };
  }

  async images(where: { groupId: string; status?: string }, page: Page) {
    const [totalCount, nodes] = await Promise.all([
      this.db.image.count({ where }),
      this.db.image.findMany({ where, orderBy: [{ key: 'asc' }, { id: 'asc' }], ...skipTake(page) }),
    ]);
    return { totalCount, nodes };
  }

  async unassignedFaces(groupId: string, page: Page) {
    const where = { groupId, personId: null };
    const [totalCount, nodes] = await Promise.all([
      this.db.face.count({ where }),
      this.db.face.findMany({ where, orderBy: [{ score: 'desc' }, { id: 'asc' }], ...skipTake(page) }),
    ]);
    return { totalCount, nodes };
  }

  /** A page of faces for each person (best first): three statements for any number of persons. */
  async facesOfPersons(personIds: readonly string[], page: Page) {
    const ranked = await this.db.$queryRaw<{ id: string; personId: string }[]>`
      SELECT "id", "personId" FROM (
        SELECT "id", "personId", ROW_NUMBER() OVER (PARTITION BY "personId" ORDER BY "score" DESC, "id" ASC) AS "rank"
        FROM "faces" WHERE "personId" IN (${Prisma.join([...personIds])})
      ) AS "ranked" WHERE "rank" > ${page.offset} AND "rank" <= ${page.offset + page.first} ORDER BY "rank"`;
    const [rows, counts] = await Promise.all([
      this.db.face.findMany({ where: { id: { in: ranked.map((r) => r.id) } } }),
      this.db.face.groupBy({ by: ['personId'], where: { personId: { in: [...personIds] } }, _count: { _all: true } }),
    ]);
    return pagesOf(personIds, ranked, rows, new Map(counts.map((c) => [c.personId!, c._count._all])));
  }

  /** A page of photos for each person (by key): three statements for any number of persons. */
  async imagesOfPersons(personIds: readonly string[], page: Page) {
    const ranked = await this.db.$queryRaw<{ id: string; personId: string }[]>`
      SELECT "id", "personId" FROM (
        SELECT "images"."id" AS "id", "shown"."personId" AS "personId",
          ROW_NUMBER() OVER (PARTITION BY "shown"."personId" ORDER BY "images"."key" ASC, "images"."id" ASC) AS "rank"
        FROM (SELECT DISTINCT "personId", "imageId" FROM "faces" WHERE "personId" IN (${Prisma.join([...personIds])})) AS "shown"
        JOIN "images" ON "images"."id" = "shown"."imageId"
      ) AS "ranked" WHERE "rank" > ${page.offset} AND "rank" <= ${page.offset + page.first} ORDER BY "rank"`;
    const [rows, persons] = await Promise.all([
      this.db.image.findMany({ where: { id: { in: [...new Set(ranked.map((r) => r.id))] } } }),
      this.db.person.findMany({ where: { id: { in: [...personIds] } }, select: { id: true, photoCount: true } }),
    ]);
    return pagesOf(personIds, ranked, rows, new Map(persons.map((p) => [p.id, p.photoCount])));
  }

  corrections = (groupId: string, page: Page) =>
    this.db.correction.findMany({ where: { groupId }, orderBy: { sequence: 'desc' }, ...skipTake(page) });

  jobs = (groupId: string) => this.db.job.findMany({ where: { groupId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });

  /** Item counts by status and the failed items, of each job. */
  async jobItems(jobIds: readonly string[]) {
    const [byStatus, failures] = await Promise.all([
      this.db.jobItem.groupBy({ by: ['jobId', 'status'], where: { jobId: { in: [...jobIds] } }, _count: { _all: true } }),
      this.db.jobItem.findMany({ where: { jobId: { in: [...jobIds] }, status: 'FAILED' }, orderBy: { position: 'asc' } }),
    ]);
    return jobIds.map((jobId) => ({
      byStatus: new Map(byStatus.filter((s) => s.jobId === jobId).map((s) => [s.status, s._count._all])),
      failures: failures.filter((f) => f.jobId === jobId),
    }));
  }
}

/** Rows put back into each owner's page, in the order the ranking gave. */
function pagesOf<T extends { id: string }>(
  ownerIds: readonly string[],
  ranked: { id: string; personId: string }[],
  rows: T[],
  totals: Map<string, number>,
): PageOf<T>[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const nodes = new Map<string, T[]>(ownerIds.map((id) => [id, []]));
  for (const { id, personId } of ranked) nodes.get(personId)?.push(byId.get(id)!);
  return ownerIds.map((id) => ({ totalCount: totals.get(id) ?? 0, nodes: nodes.get(id)! }));
}
