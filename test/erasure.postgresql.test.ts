import { describe, it } from 'vitest';
import { postgresDatabase, postgresServerUrl } from './support/databases.js';
import { erasureSuite } from './support/erasure-suite.js';

if (!postgresServerUrl) {
  describe.skip('Erasure on PostgreSQL (set TEST_POSTGRES_URL, e.g. from test/start-postgres.sh)', () => it('runs'));
} else {
  erasureSuite('Erasure on PostgreSQL', postgresDatabase);
}
