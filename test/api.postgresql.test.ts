import { describe, it } from 'vitest';
import { apiSuite } from './support/api-suite.js';
import { postgresDatabase, postgresServerUrl } from './support/databases.js';

if (!postgresServerUrl) {
  describe.skip('API on PostgreSQL (set TEST_POSTGRES_URL, e.g. from test/start-postgres.sh)', () => it('runs'));
} else {
  apiSuite('API on PostgreSQL', postgresDatabase);
}
