import type { Picture } from '../services/picture.service.js';

// The paths of the pictures the API hands out as signed URLs; the HTTP server reads them back.

const ID = '[0-9a-f-]{36}';
const FACE_THUMBNAIL = new RegExp(`^/groups/(${ID})/faces/(${ID})(@2x)?\\.jpg$`);
const IMAGE_THUMBNAIL = new RegExp(`^/groups/(${ID})/images/(${ID})\\.jpg$`);
const IMAGE_VIEWER = new RegExp(`^/groups/(${ID})/images/(${ID})/viewer\\.jpg$`);
const IMAGE_ORIGINAL = new RegExp(`^/groups/(${ID})/images/(${ID})/original$`);
const GROUP_SHEET = new RegExp(`^/groups/(${ID})/sheets/(overview|unassigned)\\.jpg$`);
const PERSON_SHEET = new RegExp(`^/groups/(${ID})/persons/(${ID})/sheet\\.jpg$`);
const EMBEDDING_MAP = new RegExp(`^/groups/(${ID})/map\\.(png|svg)$`);
export const UPLOAD = new RegExp(`^/groups/(${ID})/uploads$`);

/** Face thumbnails come at 1× (160 px) and 2× (320 px). */
export type FaceScale = 1 | 2;

export const faceThumbnailPath = (groupId: string, faceId: string, scale: FaceScale = 1) =>
  `/groups/${groupId}/faces/${faceId}${scale === 2 ? '@2x' : ''}.jpg`;
export const imageThumbnailPath = (groupId: string, imageId: string) => `/groups/${groupId}/images/${imageId}.jpg`;
export const imageViewerPath = (groupId: string, imageId: string) => `/groups/${groupId}/images/${imageId}/viewer.jpg`;
export const imageOriginalPath = (groupId: string, imageId: string) => `/groups/${groupId}/images/${imageId}/original`;

export function picturePath(groupId: string, picture: Picture): string {
  switch (picture.kind) {
    case 'overview':
    case 'unassigned':
      return `/groups/${groupId}/sheets/${picture.kind}.jpg`;
    case 'person':
      return `/groups/${groupId}/persons/${picture.personId}/sheet.jpg`;
    case 'map':
      return `/groups/${groupId}/map.${picture.format}`;
  }
}

export type SignedRoute =
  | { kind: 'face'; groupId: string; faceId: string; scale: FaceScale }
  | { kind: 'image' | 'viewer' | 'original'; groupId: string; imageId: string }
  | { kind: 'picture'; groupId: string; picture: Picture };

/** The picture a path names, or null. */
export function signedRouteOf(path: string): SignedRoute | null {
  let match = FACE_THUMBNAIL.exec(path);
  if (match) return { kind: 'face', groupId: match[1], faceId: match[2], scale: match[3] ? 2 : 1 };
  match = IMAGE_THUMBNAIL.exec(path);
  if (match) return { kind: 'image', groupId: match[1], imageId: match[2] };
  match = IMAGE_VIEWER.exec(path);
  if (match) return { kind: 'viewer', groupId: match[1], imageId: match[2] };
  match = IMAGE_ORIGINAL.exec(path);
  if (match) return { kind: 'original', groupId: match[1], imageId: match[2] };
  match = GROUP_SHEET.exec(path);
  if (match) return { kind: 'picture', groupId: match[1], picture: { kind: match[2] as 'overview' | 'unassigned' } };
  match = PERSON_SHEET.exec(path);
  if (match) return { kind: 'picture', groupId: match[1], picture: { kind: 'person', personId: match[2] } };
  match = EMBEDDING_MAP.exec(path);
  if (match) return { kind: 'picture', groupId: match[1], picture: { kind: 'map', format: match[2] as 'png' | 'svg' } };
  return null;
}
