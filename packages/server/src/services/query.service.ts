import type { Db } from '../db/client.js';
import { AppError, badInput, isId, notFound } from '../errors.js';

export interface Page {
  first: number;
  offset: number;
}

const MAX_PAGE = 500;

/** Reads for the API: entities by id (NOT_FOUND when unknown) and paginated lists. */
export class QueryService {
  constructor(private readonly db: Db) {}

  /** The owner's groups, oldest first. */
  groups(owner: string) {
    return this.db.group.findMany({ where: { ownerId: owner }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  // By id for a client: another owner's entity answers NOT_FOUND, exactly as an id that never existed.

  group(owner: string, id: string) {
    return owned('group', id, () => this.db.group.findFirst({ where: { id, ownerId: owner } }));
  }

  person(owner: string, id: string) {
    return owned('person', id, () => this.db.person.findFirst({ where: { id, group: { ownerId: owner } } }));
  }

  image(owner: string, id: string) {
    return owned('image', id, () => this.db.image.findFirst({ where: { id, group: { ownerId: owner } } }));
  }

  face(owner: string, id: string) {
    return owned('face', id, () => this.db.face.findFirst({ where: { id, group: { ownerId: owner } } }));
  }

  job(owner: string, id: string) {
    return owned('job', id, () => this.db.job.findFirst({ where: { id, group: { ownerId: owner } } }));
  }

  correction(owner: string, id: string) {
    return owned('correction', id, () => this.db.correction.findFirst({ where: { id, group: { ownerId: owner } } }));
  }

  // By an id read from an entity the client may already see (a person's group, a face's image): no owner check.

  groupById(id: string) {
    return this.db.group.findUniqueOrThrow({ where: { id } });
  }

  personById(id: string) {
    return this.db.person.findUnique({ where: { id } });
  }

  faceById(id: string) {
    return this.db.face.findUnique({ where: { id } });
  }

  imageById(id: string) {
    return this.db.image.findUniqueOrThrow({ where: { id } });
  }

  user(id: string) {
    return this.db.groupUser.findUnique({ where: { id } });
  }

  users(groupId: string) {
    return this.db.groupUser.findMany({ where: { groupId }, orderBy: { name: 'asc' } });
  }

  async counts(groupId: string) {
    const [byStatus, faces, persons, unassignedFaces] = await Promise.all([
      this.db.image.groupBy({ by: ['status'], where: { groupId }, _count: { _all: true } }),
      this.db.face.count({ where: { groupId } }),
      this.db.person.count({ where: { groupId } }),
      this.db.face.count({ where: { groupId, personId: null } }),
    ]);
    const count = (status: string) => byStatus.find((s) => s.status === status)?._count._all ?? 0;
    return {
      images: byStatus.reduce((sum, s) => sum + s._count._all, 0),
      analysedImages: count('ANALYSED'),
      failedImages: count('FAILED'),
      pendingImages: count('PENDING'),
      faces,
      persons,
      unassignedFaces,
    };
  }

  async persons(groupId: string, includeHidden: boolean, page: Page) {
    const where = { groupId, ...(includeHidden ? {} : { hidden: false }) };
    const [totalCount, nodes] = await Promise.all([
      this.db.person.count({ where }),
      this.db.person.findMany({
        where,
        orderBy: [{ photoCount: 'desc' }, { faceCount: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
        ...paging(page),
      }),
    ]);
    return { totalCount, nodes };
  }

  async images(where: { groupId?: string; status?: string; faces?: { some: { personId: string } } }, page: Page) {
    const [totalCount, nodes] = await Promise.all([
      this.db.image.count({ where }),
      this.db.image.findMany({ where, orderBy: [{ key: 'asc' }, { id: 'asc' }], ...paging(page) }),
    ]);
    return { totalCount, nodes };
  }

  async faces(where: { groupId?: string; personId?: string | null }, page: Page) {
    const [totalCount, nodes] = await Promise.all([
      this.db.face.count({ where }),
      this.db.face.findMany({ where, orderBy: [{ score: 'desc' }, { id: 'asc' }], ...paging(page) }),
    ]);
    return { totalCount, nodes };
  }

  facesOfImage(imageId: string) {
    return this.db.face.findMany({ where: { imageId }, orderBy: { index: 'asc' } });
  }

  corrections(groupId: string, page: Page) {
    return this.db.correction.findMany({ where: { groupId }, orderBy: { sequence: 'desc' }, ...paging(page) });
  }

  jobs(groupId: string) {
    return this.db.job.findMany({ where: { groupId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  async jobProgress(jobId: string) {
    const [byStatus, failures] = await Promise.all([
      this.db.jobItem.groupBy({ by: ['status'], where: { jobId }, _count: { _all: true } }),
      this.db.jobItem.findMany({ where: { jobId, status: 'FAILED' }, orderBy: { position: 'asc' } }),
    ]);
    const count = (status: string) => byStatus.find((s) => s.status === status)?._count._all ?? 0;
    const total = byStatus.reduce((sum, s) => sum + s._count._all, 0);
    return {
      total,
      analysed: count('DONE'),
      duplicates: count('DUPLICATE'),
      failed: count('FAILED'),
      pending: count('PENDING'),
      progress: total === 0 ? 1 : (total - count('PENDING')) / total,
      errors: failures.map((f) => ({ key: f.key, location: f.location, code: f.errorCode ?? 'UNKNOWN', message: f.error ?? '' })),
    };
  }
}

/** The entity a well-formed id names for its owner; NOT_FOUND otherwise, without a query for a malformed id. */
async function owned<T>(what: string, id: string, find: () => Promise<T | null>): Promise<T> {
  const found = isId(id) ? await find() : null;
  if (!found) throw notFound(what, id);
  return found;
}

function paging({ first, offset }: Page) {
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(offset) || offset < 0) {
    throw badInput('first and offset must be non-negative integers');
  }
  if (first > MAX_PAGE) throw new AppError('LIMIT_EXCEEDED', `first is ${first}, more than the page limit of ${MAX_PAGE}`);
  return { take: first, skip: offset };
}
