import { describe, it } from 'vitest';
import { postgresDatabase, postgresServerUrl } from './support/databases.js';
import { peopleApiSuite } from './support/people-api-suite.js';

if (!postgresServerUrl) {
  describe.skip('People app API on PostgreSQL (set TEST_POSTGRES_URL, e.g. from test/start-postgres.sh)', () => it('runs'));
} else {
  peopleApiSuite('People app API on PostgreSQL', postgresDatabase);
}
