import { createHash } from 'node:crypto';
import { compareIds } from '@facegroup/core';
import { personFaces, type ReportGroup } from './group.js';

/**
 * A short hash of what a group's pictures show: persons (id, name) and faces (id, photo, box, person). A server
 * keys its cached sheets and map by it and renders again only when it changes. Given a person id, the hash of
 * that person's sheet alone. Embeddings are left out: a face's embedding does not change while its id stays.
 */
export function fingerprint(group: ReportGroup, personId?: string): string {
  const persons = personId === undefined ? group.persons : group.persons.filter((p) => p.id === personId);
  const faces = personId === undefined ? group.faces : (personFaces(group, personId)?.faces ?? []);
  const hash = createHash('sha256');
  for (const person of [...persons].sort((a, b) => compareIds(a.id, b.id)))
    hash.update(`p\0${person.id}\0${person.name ?? ''}\n`);
  for (const face of [...faces].sort((a, b) => compareIds(a.id, b.id))) {
    hash.update(`f\0${face.id}\0${face.photo}\0${face.box.join(',')}\0${face.personId ?? ''}\n`);
  }
  return hash.digest('base64url').slice(0, 22);
}
