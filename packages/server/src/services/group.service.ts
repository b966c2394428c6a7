import type { Db } from '../db/client.js';
import { badInput, checkedName } from '../errors.js';
import { createGroup } from '../repositories/group.repository.js';

export class GroupService {
  constructor(private readonly db: Db) {}

  create(owner: string, name: string) {
    const checked = checkedName(name, 'the group name');
    if (!checked) throw badInput('a group needs a name');
    return createGroup(this.db, owner, checked);
  }
}
