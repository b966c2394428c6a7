import { describe, it } from 'vitest';
import { postgresDatabase, postgresServerUrl } from './support/databases.js';
import { subscriptionsSuite } from './support/subscriptions-suite.js';

if (!postgresServerUrl) {
  describe.skip('Subscriptions on PostgreSQL (set TEST_POSTGRES_URL, e.g. from test/start-postgres.sh)', () => it('runs'));
} else {
  subscriptionsSuite('Subscriptions on PostgreSQL, across processes', postgresDatabase, { crossProcess: true });
}
