import { compareIds } from '@facegroup/core';
import { personFaces, type ReportFace, type ReportGroup } from './group.js';
import { count } from './text.js';

/** What `score.mjs --json` prints (the fields the report shows). */
export interface ScorerReport {
  dataset: { photos: number; labelledPhotos: number; noFacePhotos: number; labelledFaces: number; identities: number };
  pairwise: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number; pairs: number };
  bcubed: { precision: number; recall: number; f1: number; memberships: number; extraMemberships: number };
  counts: {
    gtIdentitiesMulti: number;
    predPersons: number;
    predPersonsMulti: number;
    identitiesSplit: number;
    personsMixed: number;
    missedFaces: number;
    missedPhotos: number;
    unmatchedFaces: number;
    noFacePhotos: number;
    noFacePhotosAssigned: number;
  };
  details: {
    identitiesSplit: { identity: string; persons: string[] }[];
    /** identities: "name:photos in the person", most first. */
    personsMixed: { person: string; label: string; photos: number; identities: string[] }[];
    missedPhotos: string[];
    noFacePhotosAssigned: string[];
  };
}

/** Identities of each photo, as in labels.json's "photos"; an empty list is a photo without a face. */
export type PhotoLabels = Record<string, string[]>;

export interface Evaluation {
  score: ScorerReport;
  labels: PhotoLabels;
}

/** Faces shown under one heading: an identity inside a mixed person, or a person an identity was split into. */
export interface FaceSet {
  heading: string;
  /** Set when the faces are one person's (a split): the report links to it. */
  personId?: string;
  faces: ReportFace[];
}

export interface WrongMerge {
  personId: string;
  /** The identity found in most of the person's photos. */
  label: string;
  photos: number;
  /** One set per identity in the person, most photos first. */
  identities: FaceSet[];
}

export interface WrongSplit {
  identity: string;
  /** One set per person the identity's faces went to. */
  persons: FaceSet[];
}

/** Labels are per photo: a person's face on a group photo is listed under each identity of that photo. */
const NO_LABEL = '(photo labelled without a face)';

/** The scorer's mixed persons, with the person's faces under each identity its photos are labelled with. */
export function wrongMerges(group: ReportGroup, evaluation: Evaluation): WrongMerge[] {
  return evaluation.score.details.personsMixed.map((mixed) => {
    const faces = personFaces(group, mixed.person)?.faces ?? [];
    const identities = mixed.identities.map((entry) => {
      const identity = entry.slice(0, entry.lastIndexOf(':'));
      const photos = Number(entry.slice(entry.lastIndexOf(':') + 1));
      return {
        heading: `${identity} · ${count(photos, 'photo')}`,
        faces: faces.filter((face) => labelsOf(evaluation, face).includes(identity)),
      };
    });
    const unlabelled = faces.filter((face) => labelsOf(evaluation, face).length === 0);
    if (unlabelled.length > 0) identities.push({ heading: NO_LABEL, faces: unlabelled });
    return { personId: mixed.person, label: mixed.label, photos: mixed.photos, identities };
  });
}

/** The scorer's split identities, with the identity's faces in each person it was split into. */
export function wrongSplits(group: ReportGroup, evaluation: Evaluation): WrongSplit[] {
  return evaluation.score.details.identitiesSplit.map((split) => ({
    identity: split.identity,
    persons: [...split.persons].sort(compareIds).map((personId) => ({
      heading: personId,
      personId,
      faces: (personFaces(group, personId)?.faces ?? []).filter((face) => labelsOf(evaluation, face).includes(split.identity)),
    })),
  }));
}

const labelsOf = (evaluation: Evaluation, face: ReportFace) => evaluation.labels[face.photo] ?? [];

/** The scorer's headline figures as table rows. */
export function scoreFigures(score: ScorerReport): [string, string][] {
  const f = (v: number) => v.toFixed(4);
  const c = score.counts;
  return [
    [
      'Labels',
      `${score.dataset.photos} photos, ${score.dataset.labelledFaces} labelled faces, ${score.dataset.identities} identities`,
    ],
    [
      'Pairwise P / R / F1',
      `${f(score.pairwise.precision)} / ${f(score.pairwise.recall)} / ${f(score.pairwise.f1)} (TP ${score.pairwise.tp}, FP ${score.pairwise.fp}, FN ${score.pairwise.fn})`,
    ],
    ['BCubed P / R / F1', `${f(score.bcubed.precision)} / ${f(score.bcubed.recall)} / ${f(score.bcubed.f1)}`],
    ['Persons (with 2+ photos)', `${c.predPersons} (${c.predPersonsMulti})`],
    ['Persons mixing identities', `${c.personsMixed} of ${c.predPersonsMulti}`],
    ['Identities split', `${c.identitiesSplit} of ${c.gtIdentitiesMulti}`],
    [
      'Missed faces (photo in no person)',
      `${c.missedFaces} in ${c.missedPhotos} photos; ${c.unmatchedFaces} labelled faces without a membership`,
    ],
    ['No-face photos put in a person', `${c.noFacePhotosAssigned} of ${c.noFacePhotos}`],
  ];
}
