import pg from 'pg';
import { describe, it } from 'vitest';
import { apiSuite } from './support/api-suite.js';

/** A PostgreSQL server to test against (test/start-postgres.sh prints one); the suite is skipped without it. */
const serverUrl = process.env.TEST_POSTGRES_URL;

if (!serverUrl) {
  describe.skip('API on PostgreSQL (set TEST_POSTGRES_URL, e.g. from test/start-postgres.sh)', () => it('runs'));
} else {
  apiSuite('API on PostgreSQL', async () => {
    const name = `facegroup_e2e_${Date.now()}_${process.pid}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  });
}
