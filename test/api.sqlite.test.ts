import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { apiSuite } from './support/api-suite.js';

apiSuite('API on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'facegroup-sqlite-'));
  return { url: `file:${join(dir, 'facegroup.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
});
