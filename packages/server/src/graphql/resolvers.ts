import type { FaceQuality } from '@facegroup/core';
import type { Correction, Face, Group, Image, Job, Person } from '../db/generated/sqlite/client.js';
import { faceThumbnailPath, imageThumbnailPath, picturePath } from '../http/routes.js';
import { payloadOf } from '../repositories/correction.repository.js';
import type { UnassignedReason } from '../repositories/face.repository.js';
import type { Services } from '../services/index.js';
import type { Picture, PictureGroup } from '../services/picture.service.js';
import { UrlMap } from './url-map.js';

export interface Context {
  services: Services;
  /** The owner the request acts for (its API key's). */
  owner: string;
  /** Where this API is reached, for thumbnail URLs. */
  baseUrl: string;
  /** Job progress, computed once per job and request. */
  progress: Map<string, ReturnType<Services['queries']['jobProgress']>>;
  /** Groups as pictures are drawn from them, read once per group and request for all picture URLs. */
  pictureGroups: Map<string, Promise<PictureGroup>>;
}

type PageArgs = { first: number; offset: number };
const iso = (date: Date | null) => date?.toISOString() ?? null;

function progressOf(job: Job, ctx: Context) {
  let progress = ctx.progress.get(job.id);
  if (!progress) ctx.progress.set(job.id, (progress = ctx.services.queries.jobProgress(job.id)));
  return progress;
}

/** A picture's signed URL, versioned by the fingerprint of what it shows. */
async function pictureUrl(groupId: string, picture: Picture, ctx: Context): Promise<string> {
  let group = ctx.pictureGroups.get(groupId);
  if (!group) ctx.pictureGroups.set(groupId, (group = ctx.services.pictures.group(groupId)));
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
    addImagesFromPaths: (_: unknown, a: { groupId: string; paths: string[]; user?: string | null }, { services, owner }: Context) =>
      services.ingest.addPaths(owner, a.groupId, a.paths, a.user ?? null),
    importFolder: (_: unknown, { path }: { path: string }, { services, owner }: Context) => services.ingest.importFolder(owner, path),
    addImagesFromUrls: (_: unknown, a: { groupId: string; urls: Record<string, string>; user?: string | null }, { services, owner }: Context) =>
      services.ingest.addUrls(owner, a.groupId, a.urls, a.user ?? null),
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
    deleteImages: (_: unknown, { ids }: { ids: string[] }, { services, owner }: Context) => services.erasure.deleteImages(owner, ids),
    forgetPerson: (_: unknown, { id }: { id: string }, { services, owner }: Context) => services.erasure.forgetPerson(owner, id),
  },

  Group: {
    createdAt: (group: Group) => iso(group.createdAt),
    users: (group: Group, _: unknown, { services }: Context) => services.queries.users(group.id),
    counts: (group: Group, _: unknown, { services }: Context) => services.queries.counts(group.id),
    persons: (group: Group, a: PageArgs & { includeHidden: boolean }, { services }: Context) =>
      services.queries.persons(group.id, a.includeHidden, a),
    images: (group: Group, a: PageArgs & { status?: string | null }, { services }: Context) =>
      services.queries.images({ groupId: group.id, ...(a.status ? { status: a.status } : {}) }, a),
    unassignedFaces: (group: Group, a: PageArgs, { services }: Context) =>
      services.queries.faces({ groupId: group.id, personId: null }, a),
    corrections: (group: Group, a: PageArgs, { services }: Context) => services.queries.corrections(group.id, a),
    jobs: (group: Group, _: unknown, { services }: Context) => services.queries.jobs(group.id),
    overviewSheetUrl: (group: Group, _: unknown, ctx: Context) => pictureUrl(group.id, { kind: 'overview' }, ctx),
    unassignedSheetUrl: (group: Group, _: unknown, ctx: Context) => pictureUrl(group.id, { kind: 'unassigned' }, ctx),
    embeddingMapUrl: (group: Group, { format }: { format: 'PNG' | 'SVG' }, ctx: Context) =>
      pictureUrl(group.id, { kind: 'map', format: format === 'PNG' ? 'png' : 'svg' }, ctx),
  },

  Person: {
    group: (person: Person, _: unknown, { services }: Context) => services.queries.groupById(person.groupId),
    coverFace: (person: Person, _: unknown, { services }: Context) =>
      person.coverFaceId ? services.queries.faceById(person.coverFaceId) : null,
    thumbnailUrl: (person: Person, _: unknown, ctx: Context) =>
      person.coverFaceId ? thumbnailUrl(faceThumbnailPath(person.groupId, person.coverFaceId), ctx) : null,
    sheetUrl: (person: Person, _: unknown, ctx: Context) => pictureUrl(person.groupId, { kind: 'person', personId: person.id }, ctx),
    createdAt: (person: Person) => iso(person.createdAt),
    updatedAt: (person: Person) => iso(person.updatedAt),
    faces: (person: Person, a: PageArgs, { services }: Context) => services.queries.faces({ personId: person.id }, a),
    images: (person: Person, a: PageArgs, { services }: Context) =>
      services.queries.images({ faces: { some: { personId: person.id } } }, a),
  },

  Image: {
    group: (image: Image, _: unknown, { services }: Context) => services.queries.groupById(image.groupId),
    user: async (image: Image, _: unknown, { services }: Context) =>
      image.userId ? ((await services.queries.user(image.userId))?.name ?? null) : null,
    source: (image: Image) => image.sourceKind,
    location: (image: Image, _: unknown, { services }: Context) =>
      image.sourceKind === 'PATH' ? services.files.shownLocation(image.location) : image.location,
    thumbnailUrl: (image: Image, _: unknown, ctx: Context) => thumbnailUrl(imageThumbnailPath(image.groupId, image.id), ctx),
    faces: (image: Image, _: unknown, { services }: Context) => services.queries.facesOfImage(image.id),
    createdAt: (image: Image) => iso(image.createdAt),
  },

  Face: {
    image: (face: Face, _: unknown, { services }: Context) => services.queries.imageById(face.imageId),
    person: (face: Face, _: unknown, { services }: Context) => (face.personId ? services.queries.personById(face.personId) : null),
    box: (face: Face) => ({ x: face.x1, y: face.y1, width: face.x2 - face.x1, height: face.y2 - face.y1 }),
    landmarks: (face: Face) => (JSON.parse(face.landmarks) as [number, number][]).map(([x, y]) => ({ x, y })),
    thumbnailUrl: (face: Face, _: unknown, ctx: Context) => thumbnailUrl(faceThumbnailPath(face.groupId, face.id), ctx),
    quality: (face: Face) => JSON.parse(face.quality) as FaceQuality,
    unassigned: (face: Face) => (face.unassigned === null ? null : (JSON.parse(face.unassigned) as UnassignedReason)),
  },

  UnassignedReason: {
    nearestPerson: (reason: UnassignedReason, _: unknown, { services }: Context) =>
      reason.nearestPerson ? services.queries.personById(reason.nearestPerson) : null,
  },

  Correction: {
    summary: (correction: Correction) => payloadOf(correction).summary,
    person: (correction: Correction, _: unknown, { services }: Context) =>
      correction.personId ? services.queries.personById(correction.personId) : null,
    createdAt: (correction: Correction) => iso(correction.createdAt),
    undoneAt: (correction: Correction) => iso(correction.undoneAt),
  },

  IngestJob: {
    group: (job: Job, _: unknown, { services }: Context) => services.queries.groupById(job.groupId),
    source: (job: Job) => job.kind,
    total: async (job: Job, _: unknown, ctx: Context) => (await progressOf(job, ctx)).total,
    analysed: async (job: Job, _: unknown, ctx: Context) => (await progressOf(job, ctx)).analysed,
    duplicates: async (job: Job, _: unknown, ctx: Context) => (await progressOf(job, ctx)).duplicates,
    failed: async (job: Job, _: unknown, ctx: Context) => (await progressOf(job, ctx)).failed,
    pending: async (job: Job, _: unknown, ctx: Context) => (await progressOf(job, ctx)).pending,
    progress: async (job: Job, _: unknown, ctx: Context) => (await progressOf(job, ctx)).progress,
    errors: async (job: Job, _: unknown, ctx: Context) =>
      (await progressOf(job, ctx)).errors.map((error) => ({
        ...error,
        location: job.kind === 'PATH' ? ctx.services.files.shownLocation(error.location) : error.location,
      })),
    createdAt: (job: Job) => iso(job.createdAt),
    startedAt: (job: Job) => iso(job.startedAt),
    finishedAt: (job: Job) => iso(job.finishedAt),
  },
};
