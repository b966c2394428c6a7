import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bearerKey, hashApiKey, keyPrefix, newApiKey } from '../auth/api-key.js';
import { checkedName, unauthenticated } from '../errors.js';
import type { Owners } from '../repositories/owner.repository.js';

/** The owner the quick start creates, and that AUTH_DISABLED acts as. */
export const LOCAL_OWNER = 'local';

/** Who a request acts for: the owner of its API key. Keys are shown once, stored as their hash, and revocable. */
export class AuthService {
  constructor(
    private readonly owners: Owners,
    /** AUTH_DISABLED: every request acts as the local owner (the server then listens on loopback alone). */
    private readonly disabled: boolean,
  ) {}

  /** The owner id of an `Authorization` header; UNAUTHENTICATED without a valid, unrevoked key. */
  async ownerOf(authorization: string | undefined): Promise<string> {
    if (this.disabled) return this.owners.ensureOwner(LOCAL_OWNER);
    const key = bearerKey(authorization);
    const owner = key ? await this.owners.ownerOfKey(hashApiKey(key)) : null;
    if (!owner) throw unauthenticated();
    return owner;
  }

  /** A new key for the owner (created if new); the key is returned here and never again. */
  async createKey(ownerName: string): Promise<{ id: string; key: string }> {
    const name = checkedName(ownerName, 'the owner name');
    if (!name) throw new Error('an owner needs a name');
    const ownerId = await this.owners.ensureOwner(name);
    const key = newApiKey();
    const { id } = await this.owners.addKey(ownerId, hashApiKey(key), keyPrefix(key));
    return { id, key };
  }

  listKeys() {
    return this.owners.listKeys();
  }

  revokeKey(id: string): Promise<boolean> {
    return this.owners.revokeKey(id);
  }

  /**
   * The quick start: when the local owner has no key yet, one is made, written to `<dataDir>/local-api-key`
   * (readable by the server's user alone) and returned to be printed once. Null when a key exists.
   */
  async ensureLocalKey(dataDir: string): Promise<string | null> {
    const ownerId = await this.owners.ownerId(LOCAL_OWNER);
    if (ownerId && (await this.owners.hasActiveKey(ownerId))) return null;
    const { key } = await this.createKey(LOCAL_OWNER);
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'local-api-key'), `${key}\n`, { mode: 0o600 });
    return key;
  }
}
