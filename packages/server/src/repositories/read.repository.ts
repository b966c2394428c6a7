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

export type PersonOrder = 'PHOTOS' | 'NAME' | 'RECENT';
export type ImageOrder = 'TAKEN' | 'ADDED';

export interface PersonFilter {
  includeHidden: boolean;
  /** A part of the name, in any case. */
  search: string | null;
  minFaces: number;
  orderBy: PersonOrder;
}

export interface ImageFilter {
  status: string | null;
  /** Photos showing all (ALL) or any (ANY) of these persons; null: every photo. */
  personIds: string[] | null;
  match: 'ALL' | 'ANY';
  orderBy: ImageOrder;
}

/** Ties are broken down to the id, so that pages of one order never overlap. */
const PERSON_ORDERS = {
  PHOTOS: [{ photoCount: 'desc' }, { faceCount: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
  NAME: [{ name: { sort: 'asc', nulls: 'last' } }, { photoCount: 'desc' }, { id: 'asc' }],
} as const;
const IMAGE_ORDERS = {
  TAKEN: [{ takenAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }, { key: 'asc' }, { id: 'asc' }],
  ADDED: [{ createdAt: 'desc' }, { key: 'asc' }, { id: 'asc' }],
} as const;
/** The same orders in SQL, for a person's photos. */
const IMAGE_ORDER_SQL = {
  TAKEN: Prisma.sql`"images"."takenAt" IS NULL, "images"."takenAt" DESC, "images"."createdAt" DESC, "images"."key" ASC, "images"."id" ASC`,
  ADDED: Prisma.sql`"images"."createdAt" DESC, "images"."key" ASC, "images"."id" ASC`,
};
const skipTake = ({ first, offset }: Page) => ({ take: first, skip: offset });

type PersonRow = Awaited<ReturnType<Db['person']['findFirstOrThrow']>>;

/**
 * The API's reads: entities by id, lists and pages, and the batched forms the request loaders use so that a list of
 * persons with their faces costs a few statements, not a few per person.
 */
export class ReadRepository {
  constructor(private readonly db: Db) {}

  async groups(ownerId: string, page: Page) {
    const where = { ownerId };
    const [totalCount, nodes] = await Promise.all([
      this.db.group.count({ where }),
      this.db.group.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...skipTake(page) }),
    ]);
    return { totalCount, nodes };
  }

  /** The owner's entity of any kind by id, with its GraphQL type name; null when there is none. */
  async ownedNode(ownerId: string, id: string) {
    const [group, person, image, face, job, correction] = await Promise.all([
      ownedGroup(this.db, ownerId, id),
      ownedPerson(this.db, ownerId, id),
      ownedImage(this.db, ownerId, id),
      ownedFace(this.db, ownerId, id),
      ownedJob(this.db, ownerId, id),
      ownedCorrection(this.db, ownerId, id),
    ]);
    if (group) return { ...group, __typename: 'Group' as const };
    if (person) return { ...person, __typename: 'Person' as const };
    if (image) return { ...image, __typename: 'Image' as const };
    if (face) return { ...face, __typename: 'Face' as const };
    if (job) return { ...job, __typename: 'IngestJob' as const };
    if (correction) return { ...correction, __typename: 'Correction' as const };
    return null;
  }

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
  faceCountsOfImages = async (imageIds: readonly string[]) => {
    const counts = await this.db.face.groupBy({
      by: ['imageId'],
      where: { imageId: { in: [...imageIds] } },
      _count: { _all: true },
    });
    return new Map(counts.map((c) => [c.imageId, c._count._all]));
  };

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

  async persons(groupId: string, filter: PersonFilter, page: Page): Promise<PageOf<PersonRow>> {
    const named = filter.search === null ? null : await this.personsNamed(groupId, filter.search);
    const where = {
      groupId,
      ...(filter.includeHidden ? {} : { hidden: false }),
      ...(filter.minFaces > 1 ? { faceCount: { gte: filter.minFaces } } : {}),
      ...(named ? { id: { in: named } } : {}),
    };
    if (filter.orderBy !== 'RECENT') {
      const [totalCount, nodes] = await Promise.all([
        this.db.person.count({ where }),
        this.db.person.findMany({ where, orderBy: [...PERSON_ORDERS[filter.orderBy]], ...skipTake(page) }),
      ]);
      return { totalCount, nodes };
    }
    // By the newest photo of each person: an aggregate over faces and photos, so in SQL.
    const conditions = [Prisma.sql`"persons"."groupId" = ${groupId}`, Prisma.sql`"persons"."faceCount" >= ${filter.minFaces}`];
    if (!filter.includeHidden) conditions.push(Prisma.sql`NOT "persons"."hidden"`);
    if (named) conditions.push(named.length > 0 ? Prisma.sql`"persons"."id" IN (${Prisma.join(named)})` : Prisma.sql`1 = 0`);
    const [totalCount, ranked] = await Promise.all([
      this.db.person.count({ where }),
      this.db.$queryRaw<{ id: string }[]>`
        SELECT "persons"."id" AS "id" FROM "persons"
        JOIN "faces" ON "faces"."personId" = "persons"."id" JOIN "images" ON "images"."id" = "faces"."imageId"
        WHERE ${Prisma.join(conditions, ' AND ')}
        GROUP BY "persons"."id" ORDER BY MAX("images"."createdAt") DESC, "persons"."id" ASC
        LIMIT ${page.first} OFFSET ${page.offset}`,
    ]);
    const rows = new Map((await this.personsByIds(ranked.map((r) => r.id))).map((p) => [p.id, p]));
    return { totalCount, nodes: ranked.map((r) => rows.get(r.id)).filter((p) => p !== undefined) };
  }

  /**
   * The group's persons whose name contains the text in any case. Compared here, not in SQL: SQLite folds the case
   * of ASCII letters only, and only named persons (named by users, so few) are read.
   */
  private async personsNamed(groupId: string, text: string): Promise<string[]> {
    const wanted = text.toLocaleLowerCase();
    const named = await this.db.person.findMany({ where: { groupId, name: { not: null } }, select: { id: true, name: true } });
    return named.filter((p) => p.name!.toLocaleLowerCase().includes(wanted)).map((p) => p.id);
  }

  async images(groupId: string, filter: ImageFilter, page: Page) {
    const persons = filter.personIds;
    const where = {
      groupId,
      ...(filter.status ? { status: filter.status } : {}),
      ...(persons && filter.match === 'ANY' ? { faces: { some: { personId: { in: persons } } } } : {}),
      ...(persons && filter.match === 'ALL' ? { AND: persons.map((personId) => ({ faces: { some: { personId } } })) } : {}),
    };
    const [totalCount, nodes] = await Promise.all([
      this.db.image.count({ where }),
      this.db.image.findMany({ where, orderBy: [...IMAGE_ORDERS[filter.orderBy]], ...skipTake(page) }),
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

  /** A page of photos for each person, in the order asked for: three statements for any number of persons. */
  async imagesOfPersons(personIds: readonly string[], orderBy: ImageOrder, page: Page) {
    const ranked = await this.db.$queryRaw<{ id: string; personId: string }[]>`
      SELECT "id", "personId" FROM (
        SELECT "images"."id" AS "id", "shown"."personId" AS "personId",
          ROW_NUMBER() OVER (PARTITION BY "shown"."personId" ORDER BY ${IMAGE_ORDER_SQL[orderBy]}) AS "rank"
        FROM (SELECT DISTINCT "personId", "imageId" FROM "faces" WHERE "personId" IN (${Prisma.join([...personIds])})) AS "shown"
        JOIN "images" ON "images"."id" = "shown"."imageId"
      ) AS "ranked" WHERE "rank" > ${page.offset} AND "rank" <= ${page.offset + page.first} ORDER BY "rank"`;
    const [rows, persons] = await Promise.all([
      this.db.image.findMany({ where: { id: { in: [...new Set(ranked.map((r) => r.id))] } } }),
      this.db.person.findMany({ where: { id: { in: [...personIds] } }, select: { id: true, photoCount: true } }),
    ]);
    return pagesOf(personIds, ranked, rows, new Map(persons.map((p) => [p.id, p.photoCount])));
  }

  async corrections(groupId: string, page: Page) {
    const where = { groupId };
    const [totalCount, nodes] = await Promise.all([
      this.db.correction.count({ where }),
      this.db.correction.findMany({ where, orderBy: { sequence: 'desc' }, ...skipTake(page) }),
    ]);
    return { totalCount, nodes };
  }

  async jobs(groupId: string, page: Page) {
    const where = { groupId };
    const [totalCount, nodes] = await Promise.all([
      this.db.job.count({ where }),
      this.db.job.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...skipTake(page) }),
    ]);
    return { totalCount, nodes };
  }

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
