import { describe, it } from 'vitest';
import { postgresDatabase, postgresServerUrl } from './support/databases.js';
import { hostileSuite } from './support/hostile-suite.js';

if (!postgresServerUrl) {
  describe.skip('Hostile clients on PostgreSQL (set TEST_POSTGRES_URL, e.g. from test/start-postgres.sh)', () => it('runs'));
} else {
  hostileSuite('Hostile clients on PostgreSQL', postgresDatabase);
}
