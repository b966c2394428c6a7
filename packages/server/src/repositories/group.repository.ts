import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/client.js';

/**
 * The id of the group's user of that name, created if new. One INSERT … ON CONFLICT DO NOTHING (SQLite and
 * PostgreSQL alike) rather than Prisma's upsert, whose read-then-insert lets two concurrent requests collide on the
 * unique key.
 */
export async function ensureGroupUser(tx: Tx, groupId: string, name: string): Promise<string> {
  await tx.$executeRaw`INSERT INTO "group_users" ("id", "groupId", "name") VALUES (${randomUUID()}, ${groupId}, ${name}) ON CONFLICT ("groupId", "name") DO NOTHING`;
  return (await tx.groupUser.findUniqueOrThrow({ where: { groupId_name: { groupId, name } }, select: { id: true } })).id;
}

export const createGroup = (tx: Tx, ownerId: string, name: string) => tx.group.create({ data: { ownerId, name } });

/** The owner's group of that name, created if none. */
export const groupNamed = async (tx: Tx, ownerId: string, name: string) =>
  (await tx.group.findFirst({ where: { ownerId, name } })) ?? createGroup(tx, ownerId, name);
