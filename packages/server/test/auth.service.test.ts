import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Owners } from '../src/repositories/owner.repository.js';
import { AuthService, LOCAL_OWNER } from '../src/services/auth.service.js';

/** Owners and keys in memory: the service's rules, tested without a database (Immich's rule: services decide). */
class FakeOwners implements Owners {
  readonly owners = new Map<string, string>();
  readonly keys: { id: string; ownerId: string; keyHash: string; prefix: string; revokedAt: Date | null }[] = [];

  async ownerOfKey(keyHash: string) {
    const key = this.keys.find((k) => k.keyHash === keyHash);
    return key && key.revokedAt === null ? key.ownerId : null;
  }
  async ownerId(name: string) {
    return this.owners.get(name) ?? null;
  }
  async ensureOwner(name: string) {
    if (!this.owners.has(name)) this.owners.set(name, randomUUID());
    return this.owners.get(name)!;
  }
  async addKey(ownerId: string, keyHash: string, prefix: string) {
    const key = { id: randomUUID(), ownerId, keyHash, prefix, revokedAt: null };
    this.keys.push(key);
    return { id: key.id };
  }
  async hasActiveKey(ownerId: string) {
    return this.keys.some((k) => k.ownerId === ownerId && k.revokedAt === null);
  }
  async listKeys() {
    return this.keys.map(({ id, prefix, revokedAt, ownerId }) => ({
      id,
      prefix,
      revokedAt,
      createdAt: new Date(),
      owner: { name: [...this.owners].find(([, oid]) => oid === ownerId)![0] },
    }));
  }
  async revokeKey(id: string) {
    const key = this.keys.find((k) => k.id === id && k.revokedAt === null);
    if (key) key.revokedAt = new Date();
    return key !== undefined;
  }
}

describe('AuthService (with a fake repository)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('accepts a key it made for its owner alone, stores only its hash, and stops accepting it once revoked', async () => {
    const owners = new FakeOwners();
    const auth = new AuthService(owners, false);
    const ann = await auth.createKey('ann');
    const bob = await auth.createKey('bob');
    expect(await auth.ownerOf(`Bearer ${ann.key}`)).toBe(owners.owners.get('ann'));
    expect(await auth.ownerOf(`Bearer ${bob.key}`)).toBe(owners.owners.get('bob'));
    expect(owners.keys.map((k) => k.keyHash)).not.toContain(ann.key);
    expect(JSON.stringify(owners.keys)).not.toContain(ann.key.slice(10));
    expect(await auth.revokeKey(ann.id)).toBe(true);
    expect(await auth.revokeKey(ann.id)).toBe(false);
    await expect(auth.ownerOf(`Bearer ${ann.key}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await auth.ownerOf(`Bearer ${bob.key}`)).toBe(owners.owners.get('bob'));
  });

  it('refuses a missing, malformed or unknown key', async () => {
    const auth = new AuthService(new FakeOwners(), false);
    for (const header of [undefined, '', 'Bearer', 'Basic abc', `Bearer fg_${'0'.repeat(43)}`]) {
      await expect(auth.ownerOf(header)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('makes the local key once, readable by the server user alone; with auth disabled, acts as the local owner', async () => {
    const owners = new FakeOwners();
    const auth = new AuthService(owners, false);
    const dir = await mkdtemp(join(tmpdir(), 'facegroup-auth-'));
    dirs.push(dir);
    const key = await auth.ensureLocalKey(dir);
    expect((await readFile(join(dir, 'local-api-key'), 'utf8')).trim()).toBe(key);
    expect((await stat(join(dir, 'local-api-key'))).mode & 0o777).toBe(0o600);
    expect(await auth.ensureLocalKey(dir)).toBeNull();
    expect(await new AuthService(owners, true).ownerOf(undefined)).toBe(owners.owners.get(LOCAL_OWNER));
  });
});
