import { AppError, badInput, isId, notFound } from '../errors.js';
import type { ImageFilter, Page, PersonFilter, ReadRepository } from '../repositories/read.repository.js';

export type { ImageFilter, ImageOrder, Page, PageOf, PersonFilter } from '../repositories/read.repository.js';

const MAX_PAGE = 500;
/** The most persons one photo filter may name. */
const MAX_FILTER_PERSONS = 100;

/**
 * Reads for the API: the owner's entities by id (NOT_FOUND when unknown or another owner's), and pages checked
 * against the page limit. Nested reads go through the request's loaders (graphql/loaders.ts), which batch them.
 */
export class QueryService {
  constructor(readonly read: ReadRepository) {}

  /** The owner's groups, oldest first. */
  groups(owner: string, page: Page) {
    return this.read.groups(owner, checked(page));
  }

  /** The owner's entity of any kind by id, or null (gone, never there, or another owner's). */
  node(owner: string, id: string) {
    return isId(id) ? this.read.ownedNode(owner, id) : Promise.resolve(null);
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

  persons(groupId: string, filter: PersonFilter, page: Page) {
    if (!Number.isInteger(filter.minFaces)) throw badInput('minFaces must be an integer');
    const search = filter.search?.trim() || null;
    return this.read.persons(groupId, { ...filter, search }, checked(page));
  }

  images(groupId: string, filter: ImageFilter, page: Page) {
    const personIds = filter.personIds === null ? null : [...new Set(filter.personIds)];
    if (personIds && personIds.length > MAX_FILTER_PERSONS) {
      throw new AppError(
        'LIMIT_EXCEEDED',
        `personIds names ${personIds.length} persons, more than the limit of ${MAX_FILTER_PERSONS}`,
      );
    }
    // An id that is no person's id shows in no photo (ALL then matches none).
    return this.read.images(groupId, { ...filter, personIds }, checked(page));
  }

  unassignedFaces(groupId: string, page: Page) {
    return this.read.unassignedFaces(groupId, checked(page));
  }

  corrections(groupId: string, page: Page) {
    return this.read.corrections(groupId, checked(page));
  }

  jobs(groupId: string, page: Page) {
    return this.read.jobs(groupId, checked(page));
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
