import type { Picture } from '../services/picture.service.js';

// The paths of the pictures the API hands out as signed URLs; the HTTP server reads them back.

const ID = '[0-9a-f-]{36}';
const FACE_THUMBNAIL = new RegExp(`^/groups/(${ID})/faces/(${ID})\\.jpg$`);
const IMAGE_THUMBNAIL = new RegExp(`^/groups/(${ID})/images/(${ID})\\.jpg$`);
const GROUP_SHEET = new RegExp(`^/groups/(${ID})/sheets/(overview|unassigned)\\.jpg$`);
const PERSON_SHEET = new RegExp(`^/groups/(${ID})/persons/(${ID})/sheet\\.jpg$`);
const EMBEDDING_MAP = new RegExp(`^/groups/(${ID})/map\\.(png|svg)$`);
export const UPLOAD = new RegExp(`^/groups/(${ID})/uploads$`);

export const faceThumbnailPath = (groupId: string, faceId: string) => `/groups/${groupId}/faces/${faceId}.jpg`;
export const imageThumbnailPath = (groupId: string, imageId: string) => `/groups/${groupId}/images/${imageId}.jpg`;

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
  | { kind: 'face'; groupId: string; faceId: string }
  | { kind: 'image'; groupId: string; imageId: string }
  | { kind: 'picture'; groupId: string; picture: Picture };

/** The picture a path names, or null. */
export function signedRouteOf(path: string): SignedRoute | null {
  let match = FACE_THUMBNAIL.exec(path);
  if (match) return { kind: 'face', groupId: match[1], faceId: match[2] };
  match = IMAGE_THUMBNAIL.exec(path);
  if (match) return { kind: 'image', groupId: match[1], imageId: match[2] };
  match = GROUP_SHEET.exec(path);
  if (match) return { kind: 'picture', groupId: match[1], picture: { kind: match[2] as 'overview' | 'unassigned' } };
  match = PERSON_SHEET.exec(path);
  if (match) return { kind: 'picture', groupId: match[1], picture: { kind: 'person', personId: match[2] } };
  match = EMBEDDING_MAP.exec(path);
  if (match) return { kind: 'picture', groupId: match[1], picture: { kind: 'map', format: match[2] as 'png' | 'svg' } };
  return null;
}
