import {
  type Assignment,
  assignFacesInWorker,
  type GroupImagesOptions,
  type GroupingConstraints,
  groupFacesInWorker,
  median,
  type QualityGrouping,
} from '@facegroup/core';
import type { Db, Tx } from '../db/client.js';
import { standingDifferentPersons, standingNotThisPerson } from '../repositories/correction.repository.js';
import { assignFaces, groupingFaces, personsOfFaces, type UnassignedReason } from '../repositories/face.repository.js';
import {
  addEmbedding,
  countNewFaces,
  embeddingNormSample,
  embeddingSums,
  groupingState,
  mergeSuggestionsOf,
  newFaces,
  personCentroids,
  personsChangedAt,
  personsWithoutSum,
  type StoredSuggestion,
  saveMergeSuggestions,
} from '../repositories/grouping.repository.js';
import { finishGroupJobs } from '../repositories/job.repository.js';
import { append } from '../repositories/maps.js';
import { createPerson, personsOfGroup, refreshPersons } from '../repositories/person.repository.js';
import type { EventBus } from '../events/event-bus.js';
import type { GroupLock } from './group-lock.js';

/** Faces whose embedding norms judge weak faces in incremental grouping (a sample of the group). */
const NORM_SAMPLE = 1001;
/** Times grouping computes again when the group changed while it computed, before it holds the lock throughout. */
const ATTEMPTS = 3;
/** Suggestions kept per group. */
const KEPT_SUGGESTIONS = 200;

/** Persons a regroup changed (their faces), created and removed (left with no face). */
interface PersonChanges {
  changed: string[];
  created: string[];
  removed: string[];
}

/** The group changed between reading it and writing what was computed from it. */
class GroupChanged extends Error {}

/**
 * Groups a group's faces into persons, keeping what users decided. Two ways, one rule:
 * - `assignNewFaces` after each batch of photos, at a cost that does not grow with the group: new faces join
 *   existing persons by exact average linkage against the persons' embedding sums, the rest form new persons;
 * - `regroup`, the full grouping of all faces, which also merges and splits persons, after a job and on demand.
 * Both compute outside any transaction (on the grouping thread) and write in a short one, holding the group's
 * lock, that first checks that what they read has not changed meanwhile.
 */
export class GroupingService {
  constructor(
    private readonly db: Db,
    private readonly options: GroupImagesOptions,
    private readonly lock: GroupLock,
    private readonly events: EventBus,
  ) {}

  /**
   * Groups the group's new faces (those grouping has not seen). Returns the persons that changed or were created;
   * none when the group kept changing meanwhile (its faces stay new, for the next call or the full regroup).
   */
  async assignNewFaces(groupId: string): Promise<{ changed: string[]; created: string[] }> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const faces = await newFaces(this.db, groupId);
      if (faces.length === 0) return { changed: [], created: [] };
      const [persons, norms] = await Promise.all([
        personCentroids(this.db, groupId),
        embeddingNormSample(this.db, groupId, NORM_SAMPLE),
      ]);
      const assignment = await assignFacesInWorker(faces, persons.centroids, {
        ...this.options,
        medianEmbeddingNorm: median(norms),
      });
      try {
        return await this.lock.transaction(groupId, (tx) => this.writeAssignment(tx, groupId, faces, persons, assignment));
      } catch (error) {
        if (!(error instanceof GroupChanged)) throw error;
      }
    }
    return { changed: [], created: [] };
  }

  private async writeAssignment(
    tx: Tx,
    groupId: string,
    faces: Awaited<ReturnType<typeof newFaces>>,
    persons: Awaited<ReturnType<typeof personCentroids>>,
    { joined, clusters, unassigned }: Assignment,
  ): Promise<{ changed: string[]; created: string[] }> {
    const joinedPersons = new Set(joined.map((join) => join.personId));
    const read = [...new Set([...joinedPersons, ...persons.summed])];
    const now = await personsChangedAt(tx, read);
    if (read.some((id) => now.get(id) !== persons.changedAt.get(id))) throw new GroupChanged();
    const stillNew = await countNewFaces(
      tx,
      faces.map((face) => face.id),
    );
    if (stillNew !== faces.length) throw new GroupChanged();

    // A person's new sum is the one read (unchanged, as checked) plus its new faces' embeddings. Persons whose sum
    // was summed from their faces for this call get it stored too.
    const sums = new Map<string, Float64Array>();
    for (const { id, embeddingSum } of persons.centroids) {
      if (joinedPersons.has(id) || persons.summed.has(id)) sums.set(id, Float64Array.from(embeddingSum));
    }
    const facesOf = new Map<string, string[]>();
    for (const { faceId, personId } of joined) append(facesOf, personId, faceId);
    const created: string[] = [];
    for (const cluster of clusters) {
      const personId = await createPerson(tx, groupId);
      created.push(personId);
      facesOf.set(personId, cluster);
    }
    const embeddingOf = new Map(faces.map((face) => [face.id, face.embedding]));
    for (const [personId, faceIds] of facesOf) {
      await assignFaces(tx, faceIds, personId, null);
      const sum = sums.get(personId) ?? new Float64Array(faces[0].embedding.length);
      for (const faceId of faceIds) addEmbedding(sum, embeddingOf.get(faceId)!);
      sums.set(personId, sum);
    }
    for (const { faceId, reasons, nearest } of unassigned) {
      const reason: UnassignedReason = {
        reasons,
        nearestPerson: nearest && ('personId' in nearest ? nearest.personId : created[nearest.cluster]),
        similarity: nearest?.similarity ?? null,
        threshold: this.options.threshold,
      };
      await assignFaces(tx, [faceId], null, reason);
    }
    await refreshPersons(tx, sums.keys(), sums);
    return { changed: [...joinedPersons], created };
  }

  /**
   * Reruns grouping over all faces of the group, then maps the new clusters onto the existing persons so ids,
   * names and hidden flags stay: each cluster takes the person it shares most faces with (persons a user named
   * or curated first). Faces grouping leaves out (weak ones near no person they may join) become unassigned, each
   * with why (Face.unassigned). Keeps the merge suggestions it finds.
   */
  async regroup(groupId: string): Promise<void> {
    const changes = await this.regroupOnce(groupId);
    const { changed, created, removed } = changes;
    if (changed.length > 0) this.events.publish({ groupId, kind: 'PERSONS_CHANGED', personIds: changed });
    if (created.length > 0) this.events.publish({ groupId, kind: 'PERSONS_CREATED', personIds: created });
    if (removed.length > 0) this.events.publish({ groupId, kind: 'PERSONS_REMOVED', personIds: removed });
  }

  private async regroupOnce(groupId: string): Promise<PersonChanges> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const state = await groupingState(this.db, groupId);
      const input = await this.regroupInput(this.db, groupId);
      const grouping = await this.group(input);
      const changes = await this.lock.transaction(
        groupId,
        async (tx) => ((await groupingState(tx, groupId)) === state ? this.writeRegroup(tx, groupId, input, grouping) : null),
        { timeout: 60_000 },
      );
      if (changes) return changes;
    }
    // The group kept changing while it was clustered: cluster it holding the lock.
    return this.lock.transaction(
      groupId,
      async (tx) => {
        const input = await this.regroupInput(tx, groupId);
        return this.writeRegroup(tx, groupId, input, await this.group(input));
      },
      { timeout: 120_000 },
    );
  }

  /** The regroup task of the queues: regroups, then finishes the group's jobs that have no photo pending. */
  async regroupAndFinishJobs(groupId: string): Promise<void> {
    await this.regroup(groupId);
    await this.finishJobs(groupId);
  }

  /**
   * Finishes the group's jobs that have no photo pending. Also when their regroup failed for good: their faces are
   * in persons already (incremental grouping), and the next regroup refines them.
   */
  async finishJobs(groupId: string): Promise<void> {
    for (const jobId of await finishGroupJobs(this.db, groupId)) this.events.publish({ groupId, kind: 'JOB_PROGRESS', jobId });
  }

  /** The last regroup's suggestions whose persons are still there and not said to be different, best first. */
  async mergeSuggestions(groupId: string, first: number): Promise<StoredSuggestion[]> {
    const stored = await mergeSuggestionsOf(this.db, groupId);
    const persons = new Set((await personsOfGroup(this.db, groupId)).map((person) => person.id));
    const different = new Set<string>();
    for (const [a, b] of await standingDifferentPersons(this.db, groupId)) {
      const personsOf = async (faceIds: string[]) =>
        new Set((await personsOfFaces(this.db, faceIds)).flatMap((face) => (face.personId ? [face.personId] : [])));
      const [ofA, ofB] = await Promise.all([personsOf(a), personsOf(b)]);
      for (const x of ofA) for (const y of ofB) different.add(`${x}|${y}`).add(`${y}|${x}`);
    }
    return stored.filter(({ a, b }) => persons.has(a) && persons.has(b) && !different.has(`${a}|${b}`)).slice(0, first);
  }

  private async regroupInput(tx: Tx, groupId: string) {
    const [faces, persons, notThisPerson, different] = await Promise.all([
      groupingFaces(tx, groupId),
      personsOfGroup(tx, groupId),
      standingNotThisPerson(tx, groupId),
      standingDifferentPersons(tx, groupId),
    ]);
    const decided = new Set(persons.filter((p) => p.name !== null || p.curated).map((p) => p.id));
    const apart = [
      ...notThisPerson.apart,
      ...different.flatMap(([a, b]) => a.flatMap((x) => b.map((y): [string, string] => [x, y]))),
    ];
    return { faces, persons, notThisPerson, constraints: constraints(faces, decided, apart), decided };
  }

  private group({ faces, constraints }: Awaited<ReturnType<GroupingService['regroupInput']>>): Promise<QualityGrouping> {
    return groupFacesInWorker(faces, { ...this.options, constraints });
  }

  private async writeRegroup(
    tx: Tx,
    groupId: string,
    { faces, persons, notThisPerson, decided }: Awaited<ReturnType<GroupingService['regroupInput']>>,
    { clusters, unassigned, suggestions }: QualityGrouping,
  ): Promise<PersonChanges> {
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

    const embeddingOf = new Map(faces.map((face) => [face.id, face.embedding]));
    const members = new Map<string, Float32Array[]>();
    const changes: PersonChanges = { changed: [], created: [], removed: [] };
    for (const [index, cluster] of clusters.entries()) {
      let personId = personOfCluster.get(index);
      if (!personId) {
        personId = await createPerson(tx, groupId);
        changes.created.push(personId);
      }
      personOfCluster.set(index, personId);
      members.set(
        personId,
        cluster.map((faceId) => embeddingOf.get(faceId)!),
      );
      const moving = cluster.filter((faceId) => personOf.get(faceId) !== personId);
      if (moving.length > 0) await assignFaces(tx, moving, personId, null);
      if (moving.length > 0) changes.changed.push(personId);
      for (const faceId of moving) if (personOf.get(faceId)) changes.changed.push(personOf.get(faceId)!);
    }
    for (const { faceId, reasons, nearest } of unassigned) {
      const reason: UnassignedReason = {
        reasons: [...reasons, ...(notThisPerson.takenOut.has(faceId) ? (['not this person'] as const) : [])],
        nearestPerson: nearest && personOfCluster.get(nearest.cluster)!,
        similarity: nearest?.similarity ?? null,
        threshold: this.options.threshold,
      };
      await assignFaces(tx, [faceId], null, reason);
      if (personOf.get(faceId)) changes.changed.push(personOf.get(faceId)!);
    }
    const kept = new Set(personOfCluster.values());
    const removed = persons.filter((person) => !kept.has(person.id)).map((person) => person.id);
    // Persons whose faces stayed as they were keep their counts, cover and sum: only the others are written.
    const refreshed = new Set([...changes.changed, ...changes.created, ...removed, ...(await personsWithoutSum(tx, groupId))]);
    const sums = embeddingSums(new Map([...members].filter(([id]) => refreshed.has(id))));
    await refreshPersons(tx, refreshed, sums);
    await saveMergeSuggestions(
      tx,
      groupId,
      suggestions.slice(0, KEPT_SUGGESTIONS).map(({ a, b, similarity }) => ({
        a: personOfCluster.get(a)!,
        b: personOfCluster.get(b)!,
        similarity: Math.round(similarity * 1e4) / 1e4,
      })),
    );
    const unchanged = new Set([...changes.created, ...removed]);
    return { ...changes, changed: [...new Set(changes.changed)].filter((id) => !unchanged.has(id)), removed };
  }
}

/**
 * User decisions as grouping constraints: each person a user named or curated is fixed (kept whole, never merged
 * with another; only a user's merge joins them); "not this person" keeps a face from that person, and persons
 * said to be different stay apart.
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
