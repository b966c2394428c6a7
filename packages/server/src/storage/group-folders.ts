import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A cache kept in one folder per group (thumbnails, pictures), so that a group's erasure removes one folder. */
export class GroupFolders {
  constructor(readonly root: string) {}

  path(groupId: string, ...names: string[]): string {
    return join(this.root, groupId, ...names);
  }

  /** Removes the group's folder; returns 1 when there was one. */
  async remove(groupId: string): Promise<number> {
    const there = (await this.groups()).includes(groupId);
    await rm(join(this.root, groupId), { recursive: true, force: true });
    return there ? 1 : 0;
  }

  /** Groups with a folder. */
  groups(): Promise<string[]> {
    return readdir(this.root).catch(() => []);
  }
}
