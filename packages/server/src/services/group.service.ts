import type { Db } from '../db/client.js';
import { badInput } from '../errors.js';

export class GroupService {
  constructor(private readonly db: Db) {}

  create(name: string) {
    const trimmed = name.trim();
    if (!trimmed) throw badInput('a group needs a name');
    return this.db.group.create({ data: { name: trimmed } });
  }
}
