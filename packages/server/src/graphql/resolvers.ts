import type { FaceQuality } from '@facegroup/core';
import type { Correction, Face, Group, Image, Job, Person } from '../db/generated/sqlite/client.js';
import { badInput } from '../errors.js';
import {
  type FaceScale,
  faceThumbnailPath,
  imageOriginalPath,
  imageThumbnailPath,
  imageViewerPath,
  picturePath,
} from '../http/routes.js';
import { payloadOf } from '../repositories/correction.repository.js';
import type { UnassignedReason } from '../repositories/face.repository.js';
import type { Services } from '../services/index.js';
import type { Picture, PictureGroup } from '../services/picture.service.js';
import type { ImageOrder, PersonFilter } from '../services/query.service.js';
import type { PersonsChange } from '../services/correction.service.js';
import { connectionOf, type PageArgs, pageOf } from './connections.js';
import { DateTime } from './date-time.js';
import type { Loaders } from './loaders.js';
import { UrlMap } from './url-map.js';

export interface Context {
  services: Services;
  /** The owner the request acts for (its API key's). */
  owner: string;
  /** Where this API is reached, for thumbnail URLs. */
  baseUrl: string;
  /** Batched reads below lists, once per request. */
  loaders: Loaders;
  /** Groups as pictures are drawn from them, read once per group and request for all picture URLs. */
  pictureGroups: Map<string, Promise<PictureGroup>>;
}

type ImageArgs = PageArgs & {
  status?: string | null;
  personIds?: string[] | null;
  match: 'ALL' | 'ANY';
  orderBy: ImageOrder;
};
type PersonArgs = PageArgs & Omit<PersonFilter, 'search'> & { search?: string | null };

/** A picture's signed URL, versioned by the fingerprint of what it shows. */
async function pictureUrl(groupId: string, picture: Picture, ctx: Context): Promise<string> {
  let group = ctx.pictureGroups.get(groupId);
  if (!group) {
    group = ctx.services.pictures.group(groupId);
    ctx.pictureGroups.set(groupId, group);
  }
  const path = picturePath(groupId, picture);
  return `${ctx.baseUrl}${path}?v=${ctx.services.pictures.version(await group, picture)}&${ctx.services.signer.sign(path)}`;
}

/** A signed URL of a face or photo thumbnail, or a photo's viewer size or original. */
function thumbnailUrl(path: string, ctx: Context): string {
  return `${ctx.baseUrl}${path}?${ctx.services.signer.sign(path)}`;
}

function faceScale(scale: number): FaceScale {
  if (scale !== 1 && scale !== 2) throw badInput(`scale is 1 or 2, not ${scale}`);
  return scale;
}

/** A page of a list, read by `read`, as a connection. */
async function connection<T>(
  args: PageArgs,
  read: (page: ReturnType<typeof pageOf>) => Promise<{ totalCount: number; nodes: T[] }>,
) {
  const page = pageOf(args);
  return connectionOf(await read(page), page);
}

/** A mutation's person, and the persons it removed. */
async function personsChange(change: Promise<PersonsChange>, { services, owner }: Context) {
  const { personId, removedPersonIds } = await change;
  return { person: await services.queries.person(owner, personId), removedPersonIds };
}

export const resolvers = {
  UrlMap,
  DateTime,

  Node: {
    __resolveType: (node: { __typename: string }) => node.__typename,
  },

  Query: {
    node: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.queries.node(owner, id),
    groups: (_: unknown, a: PageArgs, { services, owner }: Context) =>
      connection(a, (page) => services.queries.groups(owner, page)),
    group: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.queries.group(owner, id),
    person: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.queries.person(owner, id),
    image: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.queries.image(owner, id),
    face: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.queries.face(owner, id),
    job: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.queries.job(owner, id),
  },

  Mutation: {
    createGroup: (_: unknown, { name }: { name: string }, { services, owner }: Context) => services.groups.create(owner, name),
    addImagesFromPaths: (
      _: unknown,
      a: { groupId: string; paths: string[]; user?: string | null },
      { services, owner }: Context,
    ) => services.ingest.addPaths(owner, a.groupId, a.paths, a.user ?? null),
    importFolder: (_: unknown, { path }: { path: string }, { services, owner }: Context) =>
      services.ingest.importFolder(owner, path),
    addImagesFromUrls: (
      _: unknown,
      a: { groupId: string; urls: Record<string, string>; user?: string | null },
      { services, owner }: Context,
    ) => services.ingest.addUrls(owner, a.groupId, a.urls, a.user ?? null),
    renamePerson: async (_: unknown, a: { personId: string; name?: string | null }, { services, owner }: Context) =>
      services.queries.person(owner, await services.corrections.rename(owner, a.personId, a.name ?? null)),
    mergePersons: (_: unknown, a: { targetId: string; sourceIds: string[] }, ctx: Context) =>
      personsChange(ctx.services.corrections.merge(ctx.owner, a.targetId, a.sourceIds), ctx),
    moveFaces: (_: unknown, a: { faceIds: string[]; personId?: string | null }, ctx: Context) =>
      personsChange(ctx.services.corrections.moveFaces(ctx.owner, a.faceIds, a.personId ?? null), ctx),
    markNotThisPerson: async (_: unknown, { faceId }: { faceId: string }, { services, owner }: Context) =>
      services.queries.face(owner, await services.corrections.notThisPerson(owner, faceId)),
    setPersonHidden: async (_: unknown, a: { personId: string; hidden: boolean }, { services, owner }: Context) =>
      services.queries.person(owner, await services.corrections.setHidden(owner, a.personId, a.hidden)),
    setCoverFace: async (_: unknown, a: { personId: string; faceId: string }, { services, owner }: Context) =>
      services.queries.person(owner, await services.corrections.setCover(owner, a.personId, a.faceId)),
    markDifferentPersons: async (_: unknown, { a, b }: { a: string; b: string }, { services, owner }: Context) =>
      services.queries.correction(owner, await services.corrections.differentPersons(owner, a, b)),
    regroup: async (_: unknown, { groupId }: { groupId: string }, { services, owner }: Context) => {
      const group = await services.queries.group(owner, groupId);
      await services.grouping.regroup(groupId);
      return group;
    },
    undoCorrection: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.corrections.undo(owner, id),
    deleteGroup: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.erasure.deleteGroup(owner, id),
    deleteImages: (_: unknown, { ids }: { ids: string[] }, { services, owner }: Context) =>
      services.erasure.deleteImages(owner, ids),
    forgetPerson: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.erasure.forgetPerson(owner, id),
  },

  Group: {
    users: (group: Group, _: unknown, { services }: Context) => services.queries.users(group.id),
    counts: (group: Group, _: unknown, { services }: Context) => services.queries.counts(group.id),
    persons: (group: Group, a: PersonArgs, { services, loaders }: Context) =>
      connection(a, async (page) => {
        const filter = { includeHidden: a.includeHidden, search: a.search ?? null, minFaces: a.minFaces, orderBy: a.orderBy };
        const persons = await services.queries.persons(group.id, filter, page);
        // Their faces' `person` is one of them: no read.
        for (const person of persons.nodes) loaders.person.prime(person.id, person);
        return persons;
      }),
    images: (group: Group, a: ImageArgs, { services }: Context) =>
      connection(a, (page) =>
        services.queries.images(
          group.id,
          { status: a.status ?? null, personIds: a.personIds ?? null, match: a.match, orderBy: a.orderBy },
          page,
        ),
      ),
    unassignedFaces: (group: Group, a: PageArgs, { services }: Context) =>
      connection(a, (page) => services.queries.unassignedFaces(group.id, page)),
    corrections: (group: Group, a: PageArgs, { services }: Context) =>
      connection(a, (page) => services.queries.corrections(group.id, page)),
    jobs: (group: Group, a: PageArgs, { services }: Context) => connection(a, (page) => services.queries.jobs(group.id, page)),
    mergeSuggestions: async (group: Group, { first }: { first: number }, { services, loaders }: Context) => {
      if (!Number.isInteger(first) || first < 0) throw badInput('first must be a non-negative integer');
      const suggestions = await services.grouping.mergeSuggestions(group.id, first);
      return suggestions.map(({ a, b, similarity }) => ({ a: loaders.person.load(a), b: loaders.person.load(b), similarity }));
    },
    overviewSheetUrl: (group: Group, _: unknown, ctx: Context) => pictureUrl(group.id, { kind: 'overview' }, ctx),
    unassignedSheetUrl: (group: Group, _: unknown, ctx: Context) => pictureUrl(group.id, { kind: 'unassigned' }, ctx),
    embeddingMapUrl: (group: Group, { format }: { format: 'PNG' | 'SVG' }, ctx: Context) =>
      pictureUrl(group.id, { kind: 'map', format: format === 'PNG' ? 'png' : 'svg' }, ctx),
  },

  Person: {
    group: (person: Person, _: unknown, { loaders }: Context) => loaders.group.load(person.groupId),
    coverFace: (person: Person, _: unknown, { loaders }: Context) =>
      person.coverFaceId ? loaders.face.load(person.coverFaceId) : null,
    thumbnailUrl: (person: Person, { scale }: { scale: number }, ctx: Context) =>
      person.coverFaceId ? thumbnailUrl(faceThumbnailPath(person.groupId, person.coverFaceId, faceScale(scale)), ctx) : null,
    sheetUrl: (person: Person, _: unknown, ctx: Context) =>
      pictureUrl(person.groupId, { kind: 'person', personId: person.id }, ctx),
    faces: (person: Person, a: PageArgs, { loaders }: Context) => connection(a, (page) => loaders.facesOfPerson(person.id, page)),
    images: (person: Person, a: PageArgs & { orderBy: ImageOrder }, { loaders }: Context) =>
      connection(a, (page) => loaders.imagesOfPerson(person.id, page, a.orderBy)),
  },

  Image: {
    group: (image: Image, _: unknown, { loaders }: Context) => loaders.group.load(image.groupId),
    user: async (image: Image, _: unknown, { loaders }: Context) =>
      image.userId ? ((await loaders.user.load(image.userId))?.name ?? null) : null,
    source: (image: Image) => image.sourceKind,
    location: (image: Image, _: unknown, { services }: Context) =>
      image.sourceKind === 'PATH' ? services.files.shownLocation(image.location) : image.location,
    thumbnailUrl: (image: Image, _: unknown, ctx: Context) => thumbnailUrl(imageThumbnailPath(image.groupId, image.id), ctx),
    viewerUrl: (image: Image, _: unknown, ctx: Context) => thumbnailUrl(imageViewerPath(image.groupId, image.id), ctx),
    originalUrl: (image: Image, _: unknown, ctx: Context) => thumbnailUrl(imageOriginalPath(image.groupId, image.id), ctx),
    faces: (image: Image, _: unknown, { loaders }: Context) => loaders.facesOfImage(image.id),
    faceCount: (image: Image, _: unknown, { loaders }: Context) => loaders.faceCountOfImage(image.id),
  },

  Face: {
    image: (face: Face, _: unknown, { loaders }: Context) => loaders.image.load(face.imageId),
    person: (face: Face, _: unknown, { loaders }: Context) => (face.personId ? loaders.person.load(face.personId) : null),
    box: (face: Face) => ({ x: face.x1, y: face.y1, width: face.x2 - face.x1, height: face.y2 - face.y1 }),
    landmarks: (face: Face) => (JSON.parse(face.landmarks) as [number, number][]).map(([x, y]) => ({ x, y })),
    thumbnailUrl: (face: Face, { scale }: { scale: number }, ctx: Context) =>
      thumbnailUrl(faceThumbnailPath(face.groupId, face.id, faceScale(scale)), ctx),
    quality: (face: Face) => JSON.parse(face.quality) as FaceQuality,
    unassigned: (face: Face) => (face.unassigned === null ? null : (JSON.parse(face.unassigned) as UnassignedReason)),
  },

  UnassignedReason: {
    nearestPerson: (reason: UnassignedReason, _: unknown, { loaders }: Context) =>
      reason.nearestPerson ? loaders.person.load(reason.nearestPerson) : null,
  },

  Correction: {
    summary: (correction: Correction) => payloadOf(correction).summary,
    person: (correction: Correction, _: unknown, { loaders }: Context) =>
      correction.personId ? loaders.person.load(correction.personId) : null,
  },

  IngestJob: {
    group: (job: Job, _: unknown, { loaders }: Context) => loaders.group.load(job.groupId),
    source: (job: Job) => job.kind,
    total: async (job: Job, _: unknown, { loaders }: Context) => (await loaders.jobProgress(job.id)).total,
    analysed: async (job: Job, _: unknown, { loaders }: Context) => (await loaders.jobProgress(job.id)).analysed,
    duplicates: async (job: Job, _: unknown, { loaders }: Context) => (await loaders.jobProgress(job.id)).duplicates,
    failed: async (job: Job, _: unknown, { loaders }: Context) => (await loaders.jobProgress(job.id)).failed,
    pending: async (job: Job, _: unknown, { loaders }: Context) => (await loaders.jobProgress(job.id)).pending,
    progress: async (job: Job, _: unknown, { loaders }: Context) => (await loaders.jobProgress(job.id)).progress,
    errors: async (job: Job, _: unknown, ctx: Context) =>
      (await ctx.loaders.jobProgress(job.id)).errors.map((error) => ({
        ...error,
        location: job.kind === 'PATH' ? ctx.services.files.shownLocation(error.location) : error.location,
      })),
  },
};
