import type { AnalysedImage, Box, Landmarks } from '../types.js';
import { compareIds } from './compare-ids.js';
import type { MergeSuggestion } from './group-faces.js';
import { groupFacesByQuality, type QualityGroupingOptions, type UnassignedReason } from './quality-gate.js';

export interface Person {
  id: string;
  name: string | null;
  /** Photo keys (paths relative to the folder), in natural order. */
  photos: string[];
  faces: string[];
}

/** Why a face is in no person. */
export interface Unassigned {
  /** Quality problems that kept the face from starting a person of its own, or no person close enough. */
  reasons: UnassignedReason[];
  /** The person it came closest to, and its average cosine similarity to that person's faces. */
  nearestPerson: string | null;
  similarity: number | null;
  threshold: number;
}

export interface FaceResult {
  id: string;
  box: Box;
  score: number;
  landmarks: Landmarks;
  personId: string | null;
  unassigned?: Unassigned;
}

export interface ImageResult {
  path: string;
  width: number;
  height: number;
  faces: FaceResult[];
  error?: string;
}

/** One entry per face, as the evaluation scorer reads it. */
export interface ScorerFace {
  photo: string;
  person: string | null;
  box: Box;
  score: number;
}

/** Two persons that are probably one but fell short of the grouping rule, with its evidence (rounded). */
export interface PersonSuggestion {
  /** Person ids, the larger person first. */
  a: string;
  b: string;
  /** The rule's linkage of the two (it merges at the threshold); suggestions are ordered by it. */
  similarity: number;
  evidence: MergeSuggestion['evidence'];
}

export interface GroupingResult {
  persons: Person[];
  images: ImageResult[];
  faces: ScorerFace[];
  /** Persons that are probably one, best first. */
  suggestions: PersonSuggestion[];
}

export type GroupImagesOptions = QualityGroupingOptions;

/** Groups the faces of analysed photos into persons p1, p2, … (largest first). */
export function groupImages(images: AnalysedImage[], options: GroupImagesOptions): GroupingResult {
  const analysed = images.flatMap((image) => image.faces.map((face) => ({ ...face, photo: image.key })));
  const grouping = groupFacesByQuality(analysed, options);
  const personOf = new Map<string, string>();
  const photoOf = new Map(analysed.map((face) => [face.id, face.photo]));
  const persons: Person[] = grouping.clusters.map((faceIds, i) => {
    const id = `p${i + 1}`;
    for (const faceId of faceIds) personOf.set(faceId, id);
    const photos = [...new Set(faceIds.map((faceId) => photoOf.get(faceId)!))].sort(compareIds);
    return { id, name: null, photos, faces: faceIds };
  });
  const unassigned = new Map(
    grouping.unassigned.map(({ faceId, reasons, nearest }) => [
      faceId,
      {
        reasons,
        nearestPerson: nearest ? persons[nearest.cluster].id : null,
        similarity: nearest ? round4(nearest.similarity) : null,
        threshold: options.threshold,
      },
    ]),
  );
  const imageResults: ImageResult[] = images.map((image) => ({
    path: image.key,
    width: image.width,
    height: image.height,
    faces: image.faces.map((face) => ({
      id: face.id,
      box: face.box.map(round2) as Box,
      score: round4(face.score),
      landmarks: face.landmarks.map(([x, y]) => [round2(x), round2(y)]),
      personId: personOf.get(face.id) ?? null,
      ...(unassigned.has(face.id) ? { unassigned: unassigned.get(face.id) } : {}),
    })),
    ...(image.error ? { error: image.error } : {}),
  }));
  return {
    persons,
    images: imageResults,
    faces: imageResults.flatMap((image) =>
      image.faces.map((face) => ({ photo: image.path, person: face.personId, box: face.box, score: face.score })),
    ),
    suggestions: grouping.suggestions.map(({ a, b, similarity, evidence }) => ({
      a: persons[a].id,
      b: persons[b].id,
      similarity: round4(similarity),
      evidence: {
        ...evidence,
        meanSimilarity: round4(evidence.meanSimilarity),
        cohesion: [round4(evidence.cohesion[0]), round4(evidence.cohesion[1])],
        typicality: [roundOrNull(evidence.typicality[0]), roundOrNull(evidence.typicality[1])],
      },
    })),
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 10000) / 10000;
const roundOrNull = (v: number | null) => (v === null ? null : round4(v));
