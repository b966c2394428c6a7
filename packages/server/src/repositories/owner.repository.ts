import type { Tx } from '../db/client.js';

export interface ApiKeyListing {
  id: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  owner: { name: string };
}

/** Owners and their API keys (keys by the hash of the key; the key itself is never stored). */
export class OwnerRepository {
  constructor(private readonly db: Tx) {}

  /** The owner of a key that is not revoked. */
  async ownerOfKey(keyHash: string): Promise<string | null> {
    const key = await this.db.apiKey.findUnique({ where: { keyHash }, select: { ownerId: true, revokedAt: true } });
    return key && key.revokedAt === null ? key.ownerId : null;
  }

  async ownerId(name: string): Promise<string | null> {
    return (await this.db.owner.findUnique({ where: { name }, select: { id: true } }))?.id ?? null;
  }

  /** The owner of that name, created if new (concurrent callers get the same owner). */
  async ensureOwner(name: string): Promise<string> {
    try {
      return (await this.db.owner.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } })).id;
    } catch {
      return (await this.db.owner.findUniqueOrThrow({ where: { name }, select: { id: true } })).id;
    }
  }

  async addKey(ownerId: string, keyHash: string, prefix: string): Promise<{ id: string }> {
    return this.db.apiKey.create({ data: { ownerId, keyHash, prefix }, select: { id: true } });
  }

  hasActiveKey(ownerId: string): Promise<boolean> {
    return this.db.apiKey.count({ where: { ownerId, revokedAt: null } }).then((count) => count > 0);
  }

  async listKeys(): Promise<ApiKeyListing[]> {
    return this.db.apiKey.findMany({
      select: { id: true, prefix: true, createdAt: true, revokedAt: true, owner: { select: { name: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** Revokes a key; false when no such key is active. */
  async revokeKey(id: string): Promise<boolean> {
    const { count } = await this.db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    return count > 0;
  }
}

/** What services see of the repository: its public methods, so tests can hand them a fake. */
export type Owners = { [K in keyof OwnerRepository]: OwnerRepository[K] };
