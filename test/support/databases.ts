import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new SQLite database file in a temporary folder. */
export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'facegroup-sqlite-'));
  return { url: `file:${join(dir, 'facegroup.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
}

/** A PostgreSQL server to test against (test/start-postgres.sh prints one); suites are skipped without it. */
export const postgresServerUrl = process.env.TEST_POSTGRES_URL;

/** A new, empty database on the test PostgreSQL server (TEST_POSTGRES_URL, read when called). */
export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `facegroup_e2e_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.TEST_POSTGRES_URL!);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
