import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EventBus,
  type GroupEventMessage,
  InProcessEventBus,
  MAX_PERSON_IDS_PER_EVENT,
  PostgresEventBus,
} from '../src/events/event-bus.js';

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

/** What a subscriber of a group hears. */
function listen(bus: EventBus, groupId: string) {
  const heard: GroupEventMessage[] = [];
  const unsubscribe = bus.subscribe(groupId, (event) => heard.push(event));
  const until = async (count: number, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (heard.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard.length, JSON.stringify(heard)).toBeGreaterThanOrEqual(count);
  };
  return { heard, unsubscribe, until };
}

/** A merge of 400 persons, as it must be heard: three events, the target first in each, the others once. */
function expectMergeParts(heard: GroupEventMessage[], target: string, sources: string[]) {
  expect(heard).toHaveLength(Math.ceil(sources.length / (MAX_PERSON_IDS_PER_EVENT - 1)));
  for (const event of heard) {
    expect(event.kind).toBe('PERSONS_MERGED');
    expect(event.personIds!.length).toBeLessThanOrEqual(MAX_PERSON_IDS_PER_EVENT);
    expect(event.personIds![0]).toBe(target);
  }
  expect(heard.flatMap((event) => event.personIds!.slice(1))).toEqual(sources);
}

describe('in-process event bus', () => {
  it("delivers a group's events to its subscribers only, until they unsubscribe", async () => {
    const bus = new InProcessEventBus();
    const [g1, g2] = ids(2);
    const first = listen(bus, g1);
    const other = listen(bus, g2);
    bus.publish({ groupId: g1, kind: 'PERSON_RENAMED', personIds: [g2] });
    expect(first.heard).toEqual([{ groupId: g1, kind: 'PERSON_RENAMED', personIds: [g2] }]);
    expect(other.heard).toEqual([]);
    first.unsubscribe();
    bus.publish({ groupId: g1, kind: 'JOB_PROGRESS', jobId: g2 });
    expect(first.heard).toHaveLength(1);
    await bus.close();
  });

  it('splits an event about many persons; a failing subscriber leaves the others unharmed', async () => {
    const bus = new InProcessEventBus();
    const [groupId, target] = ids(2);
    const sources = ids(400);
    bus.subscribe(groupId, () => {
      throw new Error('a subscriber that fails');
    });
    const { heard } = listen(bus, groupId);
    bus.publish({ groupId, kind: 'PERSONS_MERGED', personIds: [target, ...sources] });
    expectMergeParts(heard, target, sources);
    await bus.close();
  });
});

const postgres = process.env.TEST_POSTGRES_URL;

(postgres ? describe : describe.skip)('PostgreSQL event bus (LISTEN/NOTIFY)', () => {
  const buses: EventBus[] = [];
  const bus = () => {
    const created = new PostgresEventBus(postgres!);
    buses.push(created);
    return created;
  };
  afterAll(() => Promise.all(buses.map((b) => b.close())));

  it("delivers one process's events to another's subscribers, and to its own exactly once, in order", async () => {
    const [a, b] = [bus(), bus()];
    const [groupId, target, jobId] = ids(3);
    const sources = ids(400);
    const onA = listen(a, groupId);
    const onB = listen(b, groupId);
    // B listens once its connection is open: an event of A is heard then.
    const probe = listen(b, groupId);
    const deadline = Date.now() + 10_000;
    while (probe.heard.length === 0 && Date.now() < deadline) {
      a.publish({ groupId, kind: 'JOB_PROGRESS', jobId });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    probe.unsubscribe();
    await onB.until(1);
    onA.heard.length = 0;
    onB.heard.length = 0;

    // NOTIFY refuses payloads of 8000 bytes or more: a merge of 400 persons goes as three notifications.
    a.publish({ groupId, kind: 'PERSONS_MERGED', personIds: [target, ...sources] });
    a.publish({ groupId, kind: 'PERSON_RENAMED', personIds: [target] });
    await onB.until(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const { heard } of [onA, onB]) {
      expectMergeParts(heard.slice(0, 3), target, sources);
      expect(heard.slice(3)).toEqual([{ groupId, kind: 'PERSON_RENAMED', personIds: [target] }]);
    }
  });

  it('keeps what is published before its connection is open, and sends it then', async () => {
    const [a, b] = [bus(), bus()];
    const groupId = randomUUID();
    const onB = listen(b, groupId);
    // B's connection opens with its subscription; A's with this first publish, which waits for it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    a.publish({ groupId, kind: 'IMAGES_REMOVED', personIds: [] });
    await onB.until(1);
    expect(onB.heard).toEqual([{ groupId, kind: 'IMAGES_REMOVED', personIds: [] }]);
  });
});
