import type { Db, Tx } from '../db/client.js';
import { badInput, checkedName, isId, notFound } from '../errors.js';
import {
  findCorrection,
  latestStanding,
  markUndone,
  payloadOf,
  recordCorrection,
  snapshotPersons,
} from '../repositories/correction.repository.js';
import { ownedCorrection, ownedFace, ownedPerson } from '../repositories/owned.repository.js';
import {
  assignFaces,
  facesOfPersons,
  findFace,
  moveFacesOfPersons,
  otherFaces,
  personsOfFaces,
  type UnassignedReason,
} from '../repositories/face.repository.js';
import {
  createPerson,
  existingPersonIds,
  findPerson,
  refreshPersons,
  restoreCover,
  restorePerson,
  setCover,
  updatePerson,
} from '../repositories/person.repository.js';
import type { GroupEventMessage, EventBus } from '../events/event-bus.js';
import type { RegroupRequests } from '../jobs/analysis-queue.js';
import type { GroupLock } from './group-lock.js';

const MAX_IDS = 1000;

/**
 * User corrections of persons. Each one is a single transaction that changes persons and faces, records what it
 * did with the state before (to show and undo it), and is respected by later regrouping, which follows it.
 */
export class CorrectionService {
  constructor(
    private readonly db: Db,
    private readonly lock: GroupLock,
    /** Grouping's similarity threshold, served with the faces users take out as with those grouping leaves out. */
    private readonly groupingThreshold: number,
    private readonly events: EventBus,
    /** Corrections are followed by a full regroup of their group, this many seconds later (debounced). */
    private readonly regroups: RegroupRequests,
    private readonly regroupDelaySeconds: number,
  ) {}

  async rename(owner: string, personId: string, name: string | null) {
    const { groupId } = await this.ownedPerson(owner, personId);
    const newName = name === null ? null : checkedName(name, 'the name') || null;
    return this.correct(groupId, async (tx, publish) => {
      const person = await this.person(tx, personId);
      const persons = await snapshotPersons(tx, [personId]);
      await updatePerson(tx, personId, { name: newName });
      const summary = `renamed ${label(person)} to ${newName === null ? 'no name' : `"${newName}"`}`;
      await recordCorrection(tx, groupId, 'RENAME', personId, { summary, before: { persons, faces: [] } });
      publish({ kind: 'PERSON_RENAMED', personIds: [personId] });
      return personId;
    });
  }

  async setHidden(owner: string, personId: string, hidden: boolean) {
    const { groupId } = await this.ownedPerson(owner, personId);
    return this.correct(groupId, async (tx, publish) => {
      const person = await this.person(tx, personId);
      const persons = await snapshotPersons(tx, [personId]);
      await updatePerson(tx, personId, { hidden });
      const summary = `${hidden ? 'hid' : 'showed'} ${label(person)}`;
      await recordCorrection(tx, groupId, 'SET_HIDDEN', personId, { summary, before: { persons, faces: [] } });
      publish({ kind: 'PERSONS_CHANGED', personIds: [personId] });
      return personId;
    });
  }

  /**
   * Moves all faces of the sources into the target; the target keeps its name unless it has none. The sources are
   * removed.
   */
  async merge(owner: string, targetId: string, sourceIds: string[]): Promise<PersonsChange> {
    const { groupId } = await this.ownedPerson(owner, targetId);
    const sources = [...new Set(sourceIds)];
    if (sources.length === 0) throw badInput('give at least one person to merge into the target');
    if (sources.length > MAX_IDS) throw badInput(`at most ${MAX_IDS} persons at a time`);
    if (sources.includes(targetId)) throw badInput(`person ${targetId} cannot be merged into itself`);
    return this.correct(groupId, async (tx, publish) => {
      const target = await this.person(tx, targetId);
      const merged = [];
      for (const id of sources) merged.push(await this.person(tx, id, groupId));
      const persons = await snapshotPersons(tx, [targetId, ...sources]);
      const faces = await facesOfPersons(tx, sources);
      await moveFacesOfPersons(tx, sources, targetId);
      const name = target.name ?? merged.find((p) => p.name !== null)?.name ?? null;
      await updatePerson(tx, targetId, { name, curated: true });
      await refreshPersons(tx, [targetId, ...sources]);
      const summary = `merged ${merged.map(label).join(', ')} into ${label({ ...target, name })}`;
      await recordCorrection(tx, groupId, 'MERGE', targetId, {
        summary,
        before: { persons, faces: faces.map((f) => [f.id, f.personId]) },
      });
      publish({ kind: 'PERSONS_MERGED', personIds: [targetId, ...sources] });
      return { personId: targetId, removedPersonIds: sources };
    });
  }

  /** Moves faces to a person of their group, or to a new person when none is given; persons left with none are removed. */
  async moveFaces(owner: string, faceIds: string[], personId: string | null): Promise<PersonsChange> {
    const ids = [...new Set(faceIds)];
    if (ids.length === 0) throw badInput('give at least one face to move');
    if (ids.length > MAX_IDS) throw badInput(`at most ${MAX_IDS} faces at a time`);
    const { groupId } = await this.ownedFace(owner, ids[0]);
    return this.correct(groupId, async (tx, publish) => {
      const faces = [];
      for (const id of ids) faces.push(await this.face(tx, id, groupId));
      const target = personId ? await this.person(tx, personId, groupId) : null;
      const previous = faces.map((f) => f.personId).filter((id): id is string => id !== null);
      const persons = await snapshotPersons(tx, [...new Set([...previous, ...(target ? [target.id] : [])])]);
      const targetId = target?.id ?? (await createPerson(tx, groupId));
      await assignFaces(tx, ids, targetId, null);
      await updatePerson(tx, targetId, { curated: true });
      await refreshPersons(tx, [targetId, ...previous]);
      const summary = `moved ${ids.length} face${ids.length === 1 ? '' : 's'} to ${target ? label(target) : 'a new person'}`;
      const before = {
        persons,
        faces: faces.map((f): [string, string | null, string | null] => [f.id, f.personId, f.unassigned]),
      };
      await recordCorrection(tx, groupId, 'MOVE_FACES', targetId, { summary, before });
      const left = await existingPersonIds(tx, previous);
      publish({ kind: 'PERSONS_CHANGED', personIds: [...new Set([targetId, ...previous])] });
      return { personId: targetId, removedPersonIds: [...new Set(previous)].filter((id) => !left.has(id)) };
    });
  }

  /** Makes one of the person's faces its cover; refreshing the person keeps it while the face is the person's. */
  async setCover(owner: string, personId: string, faceId: string) {
    const { groupId } = await this.ownedPerson(owner, personId);
    return this.correct(groupId, async (tx, publish) => {
      const person = await this.person(tx, personId);
      const face = await this.face(tx, faceId, groupId);
      if (face.personId !== personId) throw badInput(`face ${faceId} is not a face of person ${personId}`);
      const persons = await snapshotPersons(tx, [personId]);
      await setCover(tx, personId, faceId);
      await recordCorrection(tx, groupId, 'SET_COVER', personId, {
        summary: `chose another cover face for ${label(person)}`,
        before: { persons, faces: [] },
      });
      publish({ kind: 'PERSONS_CHANGED', personIds: [personId] });
      return personId;
    });
  }

  /**
   * "Different persons": records the faces each of two persons of one group has now, which grouping keeps apart
   * while the correction stands. Returns the correction's id.
   */
  async differentPersons(owner: string, a: string, b: string) {
    if (a === b) throw badInput('a person is not different from itself: give two persons');
    const { groupId } = await this.ownedPerson(owner, a);
    return this.correct(groupId, async (tx) => {
      const first = await this.person(tx, a);
      const second = await this.person(tx, b, groupId);
      const faces = await facesOfPersons(tx, [a, b]);
      const faceIdsOf = (personId: string) => faces.filter((f) => f.personId === personId).map((f) => f.id);
      const correction = await recordCorrection(tx, groupId, 'DIFFERENT_PERSONS', a, {
        summary: `${label(first)} and ${label(second)} are different people`,
        before: { persons: await snapshotPersons(tx, [a, b]), faces: [] },
        faceIds: [faceIdsOf(a), faceIdsOf(b)],
      });
      return correction.id;
    });
  }

  /** "Not this person": takes the face out of its person, and keeps it out on regrouping. */
  async notThisPerson(owner: string, faceId: string) {
    const { groupId } = await this.ownedFace(owner, faceId);
    return this.correct(groupId, async (tx, publish) => {
      const face = await this.face(tx, faceId);
      if (!face.personId) throw badInput(`face ${faceId} is not assigned to a person`);
      const person = await this.person(tx, face.personId);
      const others = await otherFaces(tx, face.personId, faceId);
      const persons = await snapshotPersons(tx, [face.personId]);
      const reason: UnassignedReason = {
        reasons: ['not this person'],
        nearestPerson: null,
        similarity: null,
        threshold: this.groupingThreshold,
      };
      await assignFaces(tx, [faceId], null, reason);
      await refreshPersons(tx, [face.personId]);
      await recordCorrection(tx, groupId, 'NOT_PERSON', face.personId, {
        summary: `took a face out of ${label(person)}`,
        before: { persons, faces: [[faceId, face.personId]] },
        apart: others.map((o): [string, string] => [faceId, o.id]),
      });
      publish({ kind: 'PERSONS_CHANGED', personIds: [face.personId] });
      return faceId;
    });
  }

  /** Undoes the group's latest correction still standing: persons and face assignments return to before it. */
  async undo(owner: string, correctionId: string) {
    const found = isId(correctionId) ? await ownedCorrection(this.db, owner, correctionId) : null;
    if (!found) throw notFound('correction', correctionId);
    return this.correct(found.groupId, async (tx, publish) => {
      const correction = await findCorrection(tx, correctionId);
      if (correction.undoneAt) throw badInput(`correction ${correctionId} is already undone`);
      const latest = await latestStanding(tx, correction.groupId);
      if (latest?.id !== correction.id) throw badInput(`undo the later correction ${latest?.id} first`);
      const { before } = payloadOf(correction);
      for (const person of before.persons) await restorePerson(tx, correction.groupId, person);
      const faceIds = before.faces.map(([faceId]) => faceId);
      const current = await personsOfFaces(tx, faceIds);
      for (const [faceId, personId, unassigned = null] of before.faces) await assignFaces(tx, [faceId], personId, unassigned);
      for (const person of before.persons) await restoreCover(tx, person);
      const touched = [
        ...before.persons.map((p) => p.id),
        ...before.faces.map(([, personId]) => personId),
        ...current.map((f) => f.personId),
      ];
      await refreshPersons(tx, touched);
      publish({ kind: 'PERSONS_CHANGED', personIds: [...new Set(touched.filter((id): id is string => id !== null))] });
      return markUndone(tx, correctionId);
    });
  }

  /**
   * Runs a correction in one transaction holding the group's lock; what it publishes goes out once it is committed,
   * so that subscribers read the new state.
   */
  private async correct<T>(
    groupId: string,
    work: (tx: Tx, publish: (event: Omit<GroupEventMessage, 'groupId'>) => void) => Promise<T>,
  ): Promise<T> {
    const events: GroupEventMessage[] = [];
    const result = await this.lock.transaction(groupId, (tx) => work(tx, (event) => events.push({ groupId, ...event })));
    for (const event of events) this.events.publish(event);
    await this.regroups.requestRegroup(groupId, this.regroupDelaySeconds);
    return result;
  }

  /** The owner's person, found before the group's lock is taken (to know which group to lock). */
  private async ownedPerson(owner: string, id: string) {
    const person = isId(id) ? await ownedPerson(this.db, owner, id) : null;
    if (!person) throw notFound('person', id);
    return person;
  }

  private async ownedFace(owner: string, id: string) {
    const face = isId(id) ? await ownedFace(this.db, owner, id) : null;
    if (!face) throw notFound('face', id);
    return face;
  }

  /** A person of the group (others, of this owner or another, are not found: nothing moves across groups). */
  private async person(tx: Tx, id: string, groupId?: string) {
    const person = isId(id) ? await findPerson(tx, id) : null;
    if (!person || (groupId && person.groupId !== groupId)) throw notFound('person', id);
    return person;
  }

  private async face(tx: Tx, id: string, groupId?: string) {
    const face = isId(id) ? await findFace(tx, id) : null;
    if (!face || (groupId && face.groupId !== groupId)) throw notFound('face', id);
    return face;
  }
}

/** A correction's person, and the persons it removed (emptied or merged away). */
export interface PersonsChange {
  personId: string;
  removedPersonIds: string[];
}

/** A person as the history shows it to people: by name, else by size (ids mean nothing to a reader). */
function label(person: { name: string | null; faceCount?: number }): string {
  if (person.name !== null) return `"${person.name}"`;
  if (person.faceCount === undefined) return 'an unnamed person';
  return `an unnamed person of ${person.faceCount} face${person.faceCount === 1 ? '' : 's'}`;
}
