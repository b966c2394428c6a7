import type { FaceQuality } from '@facegroup/core';
import type { Correction, Face, Group, Image, Job, Person } from '../db/generated/sqlite/client.js';
import { faceThumbnailPath, imageThumbnailPath, picturePath } from '../http/routes.js';
import { payloadOf } from '../repositories/correction.repository.js';
import type { UnassignedReason } from '../repositories/face.repository.js';
import type { Services } from '../services/index.js';
import type { Loaders } from './loaders.js';
import type { Picture, PictureGroup } from '../services/picture.service.js';
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

type PageArgs = { first: number; offset: number };
const iso = (date: Date | null) => date?.toISOString() ?? null;

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

/** A signed URL of a face or photo thumbnail. */
function thumbnailUrl(path: string, ctx: Context): string {
  return `${ctx.baseUrl}${path}?${ctx.services.signer.sign(path)}`;
}

export const resolvers = {
  UrlMap,

  Query: {
    groups: (_: unknown, __: unknown, { services, owner }: Context) => services.queries.groups(owner),
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
    mergePersons: async (_: unknown, a: { targetId: string; sourceIds: string[] }, { services, owner }: Context) =>
      services.queries.person(owner, await services.corrections.merge(owner, a.targetId, a.sourceIds)),
    moveFaces: async (_: unknown, a: { faceIds: string[]; personId?: string | null }, { services, owner }: Context) =>
      services.queries.person(owner, await services.corrections.moveFaces(owner, a.faceIds, a.personId ?? null)),
    markNotThisPerson: async (_: unknown, { faceId }: { faceId: string }, { services, owner }: Context) =>
      services.queries.face(owner, await services.corrections.notThisPerson(owner, faceId)),
    setPersonHidden: async (_: unknown, a: { personId: string; hidden: boolean }, { services, owner }: Context) =>
      services.queries.person(owner, await services.corrections.setHidden(owner, a.personId, a.hidden)),
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
    createdAt: (group: Group) => iso(group.createdAt),
    users: (group: Group, _: unknown, { services }: Context) => services.queries.users(group.id),
    counts: (group: Group, _: unknown, { services }: Context) => services.queries.counts(group.id),
    persons: async (group: Group, a: PageArgs & { includeHidden: boolean }, { services, loaders }: Context) => {
      const page = await services.queries.persons(group.id, a.includeHidden, a);
      // Their faces' `person` is one of them: no read.
      for (const person of page.nodes) loaders.person.prime(person.id, person);
      return page;
    },
    images: (group: Group, a: PageArgs & { status?: string | null }, { services }: Context) =>
      services.queries.images(group.id, a.status ?? null, a),
    unassignedFaces: (group: Group, a: PageArgs, { services }: Context) => services.queries.unassignedFaces(group.id, a),
    corrections: (group: Group, a: PageArgs, { services }: Context) => services.queries.corrections(group.id, a),
    jobs: (group: Group, _: unknown, { services }: Context) => services.queries.jobs(group.id),
    overviewSheetUrl: (group: Group, _: unknown, ctx: Context) => pictureUrl(group.id, { kind: 'overview' }, ctx),
    unassignedSheetUrl: (group: Group, _: unknown, ctx: Context) => pictureUrl(group.id, { kind: 'unassigned' }, ctx),
    embeddingMapUrl: (group: Group, { format }: { format: 'PNG' | 'SVG' }, ctx: Context) =>
      pictureUrl(group.id, { kind: 'map', format: format === 'PNG' ? 'png' : 'svg' }, ctx),
  },

  Person: {
    group: (person: Person, _: unknown, { loaders }: Context) => loaders.group.load(person.groupId),
    coverFace: (person: Person, _: unknown, { loaders }: Context) =>
      person.coverFaceId ? loaders.face.load(person.coverFaceId) : null,
    thumbnailUrl: (person: Person, _: unknown, ctx: Context) =>
      person.coverFaceId ? thumbnailUrl(faceThumbnailPath(person.groupId, person.coverFaceId), ctx) : null,
    sheetUrl: (person: Person, _: unknown, ctx: Context) =>
      pictureUrl(person.groupId, { kind: 'person', personId: person.id }, ctx),
    createdAt: (person: Person) => iso(person.createdAt),
    updatedAt: (person: Person) => iso(person.updatedAt),
    faces: (person: Person, a: PageArgs, { loaders }: Context) => loaders.facesOfPerson(person.id, a),
    images: (person: Person, a: PageArgs, { loaders }: Context) => loaders.imagesOfPerson(person.id, a),
  },

  Image: {
    group: (image: Image, _: unknown, { loaders }: Context) => loaders.group.load(image.groupId),
    user: async (image: Image, _: unknown, { loaders }: Context) =>
      image.userId ? ((await loaders.user.load(image.userId))?.name ?? null) : null,
    source: (image: Image) => image.sourceKind,
    location: (image: Image, _: unknown, { services }: Context) =>
      image.sourceKind === 'PATH' ? services.files.shownLocation(image.location) : image.location,
    thumbnailUrl: (image: Image, _: unknown, ctx: Context) => thumbnailUrl(imageThumbnailPath(image.groupId, image.id), ctx),
    faces: (image: Image, _: unknown, { loaders }: Context) => loaders.facesOfImage(image.id),
    createdAt: (image: Image) => iso(image.createdAt),
  },

  Face: {
    image: (face: Face, _: unknown, { loaders }: Context) => loaders.image.load(face.imageId),
    person: (face: Face, _: unknown, { loaders }: Context) => (face.personId ? loaders.person.load(face.personId) : null),
    box: (face: Face) => ({ x: face.x1, y: face.y1, width: face.x2 - face.x1, height: face.y2 - face.y1 }),
    landmarks: (face: Face) => (JSON.parse(face.landmarks) as [number, number][]).map(([x, y]) => ({ x, y })),
    thumbnailUrl: (face: Face, _: unknown, ctx: Context) => thumbnailUrl(faceThumbnailPath(face.groupId, face.id), ctx),
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
    createdAt: (correction: Correction) => iso(correction.createdAt),
    undoneAt: (correction: Correction) => iso(correction.undoneAt),
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
    createdAt: (job: Job) => iso(job.createdAt),
    startedAt: (job: Job) => iso(job.startedAt),
    finishedAt: (job: Job) => iso(job.finishedAt),
  },
};
