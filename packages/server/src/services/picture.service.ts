import { readFile } from 'node:fs/promises';
import {
  fingerprint,
  renderEmbeddingMap,
  renderOverviewSheet,
  renderPersonSheet,
  renderUnassignedSheet,
  SHEET_CONTENT_TYPE,
  type ReportGroup,
} from '@facegroup/report';
import type { Db } from '../db/client.js';
import { pictureRows } from '../repositories/picture.repository.js';
import { AppError, notFound } from '../errors.js';
import { groupingFaces } from '../repositories/face.repository.js';
import { writeFileAtomically } from '../storage/atomic-file.js';
import type { GroupFolders } from '../storage/group-folders.js';
import type { Originals } from '../storage/originals.js';

export type MapFormat = 'png' | 'svg';

/** A picture of a group, drawn by @facegroup/report. */
export type Picture =
  | { kind: 'overview' }
  | { kind: 'unassigned' }
  | { kind: 'person'; personId: string }
  | { kind: 'map'; format: MapFormat };

/** A group as the report draws it, read from the database without embeddings (enough for fingerprints). */
export interface PictureGroup extends ReportGroup {
  id: string;
  persons: { id: string; name: string | null; hidden: boolean }[];
}

export interface RenderedPicture {
  bytes: Buffer;
  contentType: string;
  /** The fingerprint of what the picture shows: the version in its URL. */
  version: string;
}

const CONTENT_TYPES: Record<string, string> = { jpg: SHEET_CONTENT_TYPE, png: 'image/png', svg: 'image/svg+xml' };

/**
 * Contact sheets and the embedding map of a group, drawn on request and cached on disk under the fingerprint
 * of what they show, so a repeat request reads a file and any change of the group gives a new file (and URL).
 */
export class PictureService {
  /** Renders in progress by cache file stem, so concurrent requests (e.g. the map as PNG and SVG) draw once. */
  private readonly rendering = new Map<string, Promise<Record<string, Buffer>>>();

  constructor(
    private readonly db: Db,
    private readonly originals: Originals,
    private readonly cache: GroupFolders,
  ) {}

  /** The group as drawn (callers checked who asks: the API for its owner, a picture route by the URL's signature). */
  async group(groupId: string): Promise<PictureGroup> {
    const rows = await pictureRows(this.db, groupId);
    if (!rows) throw notFound('group', groupId);
    const { persons, faces } = rows;
    const withFaces = new Set(faces.map((face) => face.imageId));
    const images = rows.images.filter((image) => withFaces.has(image.id));
    const photoOf = photoKeys(images);
    const imageOf = new Map(images.map((image) => [photoOf.get(image.id)!, image]));
    return {
      id: groupId,
      persons,
      faces: faces.map((face) => ({
        id: face.id,
        photo: photoOf.get(face.imageId)!,
        box: [face.x1, face.y1, face.x2, face.y2],
        personId: face.personId,
      })),
      readPhoto: (photo) => this.originals.read(imageOf.get(photo)!),
    };
  }

  /** The fingerprint of what the picture shows; NOT_FOUND for a person not in the group. */
  version(group: PictureGroup, picture: Picture): string {
    switch (picture.kind) {
      case 'overview':
        return fingerprint(visiblePart(group));
      case 'person':
        if (!group.persons.some((p) => p.id === picture.personId)) {
          throw new AppError('NOT_FOUND', `person ${picture.personId} not found in group ${group.id}`);
        }
        return fingerprint(group, picture.personId);
      default:
        return fingerprint(group);
    }
  }

  /** Removes the group's cached pictures, of every version; returns 1 when there were some. */
  removeGroup(groupId: string): Promise<number> {
    return this.cache.remove(groupId);
  }

  /** Groups with cached pictures. */
  groups(): Promise<string[]> {
    return this.cache.groups();
  }

  async render(groupId: string, picture: Picture): Promise<RenderedPicture> {
    const group = await this.group(groupId);
    const version = this.version(group, picture);
    const extension = picture.kind === 'map' ? picture.format : 'jpg';
    const stem = this.cache.path(
      groupId,
      `${picture.kind === 'person' ? `persons/${picture.personId}` : picture.kind}-${version}`,
    );
    const cached = await readFile(`${stem}.${extension}`).catch(() => null);
    const bytes = cached ?? (await this.renderOnce(stem, group, picture))[extension];
    return { bytes, contentType: CONTENT_TYPES[extension], version };
  }

  private renderOnce(stem: string, group: PictureGroup, picture: Picture): Promise<Record<string, Buffer>> {
    let files = this.rendering.get(stem);
    if (!files) {
      files = this.draw(group, picture)
        .then(async (drawn) => {
          for (const [extension, bytes] of Object.entries(drawn)) await writeFileAtomically(`${stem}.${extension}`, bytes);
          return drawn;
        })
        .finally(() => this.rendering.delete(stem));
      this.rendering.set(stem, files);
    }
    return files;
  }

  /** The picture's files by extension: the map comes as PNG and SVG from one t-SNE run, so both are kept. */
  private async draw(group: PictureGroup, picture: Picture): Promise<Record<string, Buffer>> {
    switch (picture.kind) {
      case 'overview':
        // Embeddings choose each person's cover face (the medoid).
        return { jpg: await renderOverviewSheet(await this.withEmbeddings(visiblePart(group))) };
      case 'unassigned':
        return { jpg: await renderUnassignedSheet(group) };
      case 'person':
        return { jpg: await renderPersonSheet(group, picture.personId) };
      case 'map': {
        const map = await renderEmbeddingMap(await this.withEmbeddings(group));
        return { png: map.png, svg: Buffer.from(map.svg) };
      }
    }
  }

  /**
   * The group with its faces' embeddings. Read separately from the fingerprinted data, which stays what is drawn:
   * a face's embedding never changes while its id stays.
   */
  private async withEmbeddings(group: PictureGroup): Promise<PictureGroup> {
    const embeddingOf = new Map((await groupingFaces(this.db, group.id)).map((face) => [face.id, face.embedding]));
    return { ...group, faces: group.faces.map((face) => ({ ...face, embedding: embeddingOf.get(face.id) })) };
  }
}

/** The group without its hidden persons and their faces: what the overview shows. */
function visiblePart(group: PictureGroup): PictureGroup {
  const hidden = new Set(group.persons.filter((p) => p.hidden).map((p) => p.id));
  return {
    ...group,
    persons: group.persons.filter((p) => !hidden.has(p.id)),
    faces: group.faces.filter((face) => face.personId === null || !hidden.has(face.personId)),
  };
}

/**
 * A photo key per image, as the report names photos: the sender's key, numbered " (2)", " (3)"… after the first
 * image of the same key (two users may both send IMG_0001.jpg), since the report reads each key as one photo.
 */
function photoKeys(images: { id: string; key: string }[]): Map<string, string> {
  const seen = new Map<string, number>();
  return new Map(
    images.map((image) => {
      const count = (seen.get(image.key) ?? 0) + 1;
      seen.set(image.key, count);
      return [image.id, count === 1 ? image.key : `${image.key} (${count})`];
    }),
  );
}
