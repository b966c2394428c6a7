import { AppError, badInput, isId, notFound } from '../errors.js';
import type { Page, ReadRepository } from '../repositories/read.repository.js';

export type { Page } from '../repositories/read.repository.js';

const MAX_PAGE = 500;

/**
 * Reads for the API: the owner's entities by id (NOT_FOUND when unknown or another owner's), and pages checked
 * against the page limit. Nested reads go through the request's loaders (graphql/loaders.ts), which batch them.
 */
export class QueryService {
  constructor(readonly read: ReadRepository) {}

  /** The owner's groups, oldest first. */
  groups(owner: string) {
    return this.read.groups(owner);
  }

  group(owner: string, id: string) {
    return owned('group', id, () => this.read.ownedGroup(owner, id));
  }

  person(owner: string, id: string) {
    return owned('person', id, () => this.read.ownedPerson(owner, id));
  }

  image(owner: string, id: string) {
    return owned('image', id, () => this.read.ownedImage(owner, id));
  }

  face(owner: string, id: string) {
    return owned('face', id, () => this.read.ownedFace(owner, id));
  }

  job(owner: string, id: string) {
    return owned('job', id, () => this.read.ownedJob(owner, id));
  }

  correction(owner: string, id: string) {
    return owned('correction', id, () => this.read.ownedCorrection(owner, id));
  }

  // Lists of a group the client may already see.

  users(groupId: string) {
    return this.read.users(groupId);
  }

  async counts(groupId: string) {
    const { imagesByStatus, faces, persons, unassignedFaces } = await this.read.counts(groupId);
    const count = (status: string) => imagesByStatus.get(status) ?? 0;
    return {
      images: [...imagesByStatus.values()].reduce((sum, n) => sum + n, 0),
      analysedImages: count('ANALYSED'),
      failedImages: count('FAILED'),
      pendingImages: count('PENDING'),
      faces,
      persons,
      unassignedFaces,
    };
  }

  persons(groupId: string, includeHidden: boolean, page: Page) {
    return this.read.persons(groupId, includeHidden, checked(page));
  }

  images(groupId: string, status: string | null, page: Page) {
    return this.read.images({ groupId, ...(status ? { status } : {}) }, checked(page));
  }

  unassignedFaces(groupId: string, page: Page) {
    return this.read.unassignedFaces(groupId, checked(page));
  }

  corrections(groupId: string, page: Page) {
    return this.read.corrections(groupId, checked(page));
  }

  jobs(groupId: string) {
    return this.read.jobs(groupId);
  }
}

/** Progress of a job from its items' counts by status and its failed items. */
export function jobProgress({ byStatus, failures }: Awaited<ReturnType<ReadRepository['jobItems']>>[number]) {
  const count = (status: string) => byStatus.get(status) ?? 0;
  const total = [...byStatus.values()].reduce((sum, n) => sum + n, 0);
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

/** The entity a well-formed id names for its owner; NOT_FOUND otherwise, without a query for a malformed id. */
async function owned<T>(what: string, id: string, find: () => Promise<T | null>): Promise<T> {
  const found = isId(id) ? await find() : null;
  if (!found) throw notFound(what, id);
  return found;
}

/** A page within the limit. */
export function checked(page: Page): Page {
  const { first, offset } = page;
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(offset) || offset < 0) {
    throw badInput('first and offset must be non-negative integers');
  }
  if (first > MAX_PAGE) throw new AppError('LIMIT_EXCEEDED', `first is ${first}, more than the page limit of ${MAX_PAGE}`);
  return page;
}
