import { groupFacesInWorker, type GroupImagesOptions, type GroupingConstraints } from '@facegroup/core';
import type { Tx } from '../db/client.js';
import { standingNotThisPerson } from '../repositories/correction.repository.js';
import { assignFaces, groupingFaces, type UnassignedReason } from '../repositories/face.repository.js';
import { append } from '../repositories/maps.js';
import { createPerson, personsOfGroup, refreshPersons } from '../repositories/person.repository.js';
import type { GroupLock } from './group-lock.js';

/** Groups a group's faces into persons, keeping what users decided. */
export class GroupingService {
  constructor(
    private readonly options: GroupImagesOptions,
    private readonly lock: GroupLock,
  ) {}

  /** When this process last regrouped each group. */
  private readonly regroupedAt = new Map<string, number>();

  /** Whether this process regrouped the group within the last `ms`. */
  regroupedWithin(groupId: string, ms: number): boolean {
    return Date.now() - (this.regroupedAt.get(groupId) ?? 0) < ms;
  }

  /**
   * Reruns grouping over all faces of the group, then maps the new clusters onto the existing persons so ids,
   * names and hidden flags stay: each cluster takes the person it shares most faces with (persons a user named
   * or curated first). Faces grouping leaves out (weak ones near no person they may join) become unassigned, each
   * with why (Face.unassigned). One transaction.
   */
  async regroup(groupId: string): Promise<void> {
    this.regroupedAt.set(groupId, Date.now());
    return this.lock.transaction(groupId, (tx) => this.regroupIn(tx, groupId), { timeout: 120_000 });
  }

  private async regroupIn(tx: Tx, groupId: string): Promise<void> {
    const faces = await groupingFaces(tx, groupId);
    const persons = await personsOfGroup(tx, groupId);
    const decided = new Set(persons.filter((p) => p.name !== null || p.curated).map((p) => p.id));
    const options = this.options;
    const notThisPerson = await standingNotThisPerson(tx, groupId);
    const { clusters, unassigned } = await groupFacesInWorker(faces, {
      ...options,
      constraints: constraints(faces, decided, notThisPerson.apart),
    });

    const personOf = new Map(faces.map((f) => [f.id, f.personId]));
    const candidates: { cluster: number; person: string; overlap: number; decided: boolean }[] = [];
    clusters.forEach((cluster, index) => {
      const overlap = new Map<string, number>();
      for (const faceId of cluster) {
        const person = personOf.get(faceId);
        if (person) overlap.set(person, (overlap.get(person) ?? 0) + 1);
      }
      for (const [person, count] of overlap)
        candidates.push({ cluster: index, person, overlap: count, decided: decided.has(person) });
    });
    candidates.sort(
      (a, b) =>
        Number(b.decided) - Number(a.decided) ||
        b.overlap - a.overlap ||
        a.cluster - b.cluster ||
        a.person.localeCompare(b.person),
    );
    const personOfCluster = new Map<number, string>();
    const taken = new Set<string>();
    for (const c of candidates) {
      if (personOfCluster.has(c.cluster) || taken.has(c.person)) continue;
      personOfCluster.set(c.cluster, c.person);
      taken.add(c.person);
    }

    const touched = new Set<string>(persons.map((p) => p.id));
    for (const [index, cluster] of clusters.entries()) {
      const personId = personOfCluster.get(index) ?? (await createPerson(tx, groupId));
      personOfCluster.set(index, personId);
      touched.add(personId);
      const moving = cluster.filter((faceId) => personOf.get(faceId) !== personId);
      if (moving.length > 0) await assignFaces(tx, moving, personId, null);
    }
    for (const { faceId, reasons, nearest } of unassigned) {
      const reason: UnassignedReason = {
        reasons: [...reasons, ...(notThisPerson.takenOut.has(faceId) ? (['not this person'] as const) : [])],
        nearestPerson: nearest && personOfCluster.get(nearest.cluster)!,
        similarity: nearest?.similarity ?? null,
        threshold: options.threshold,
      };
      await assignFaces(tx, [faceId], null, reason);
    }
    await refreshPersons(tx, touched);
  }
}

/**
 * User decisions as grouping constraints: each person a user named or curated is fixed (kept whole, never merged
 * with another; only a user's merge joins them), and "not this person" keeps a face from that person.
 */
function constraints(
  faces: { id: string; personId: string | null }[],
  decided: Set<string>,
  apart: [string, string][],
): GroupingConstraints {
  const facesOf = new Map<string, string[]>();
  for (const face of faces) if (face.personId && decided.has(face.personId)) append(facesOf, face.personId, face.id);
  return { fixed: [...facesOf.values()], apart };
}
