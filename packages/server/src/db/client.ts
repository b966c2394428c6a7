import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { log as logLine } from '../log.js';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { PrismaClient as SqliteClient, type Prisma } from './generated/sqlite/client.js';

export type Provider = 'sqlite' | 'postgresql';

/**
 * The database, typed by the SQLite client. Both clients are generated from the same models (the PostgreSQL
 * schema is derived from the SQLite one), so their model APIs are identical and one type serves both.
 */
export type Db = SqliteClient;
/** A transaction, or the database itself where no transaction is needed. */
export type Tx = Prisma.TransactionClient;

export interface Database {
  db: Db;
  provider: Provider;
}

export function providerOf(databaseUrl: string): Provider {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must be a "file:" SQLite path or a "postgresql://" URL, not "${databaseUrl}"`);
}

/** Opens the database; `logQueries` logs each SQL statement (LOG_QUERIES=true, to see what a request costs). */
export async function openDatabase(databaseUrl: string, logQueries = false): Promise<Database> {
  const provider = providerOf(databaseUrl);
  const log = logQueries ? [{ emit: 'event' as const, level: 'query' as const }] : [];
  if (provider === 'postgresql') {
    const db = new PostgresClient({ adapter: new PrismaPg({ connectionString: databaseUrl }), log }) as unknown as Db;
    return { db: withQueryLog(db, logQueries), provider };
  }
  mkdirSync(dirname(databaseUrl.slice('file:'.length)), { recursive: true });
  const db = withQueryLog(
    new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: databaseUrl }), log }) as unknown as Db,
    logQueries,
  );
  // SQLite enforces foreign keys (cascades) only when asked; WAL lets readers run beside the ingest writer.
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$executeRawUnsafe('PRAGMA busy_timeout = 10000');
  return { db, provider };
}

function withQueryLog(db: Db, enabled: boolean): Db {
  if (enabled) {
    (db as unknown as { $on(event: 'query', listener: (e: { query: string; duration: number }) => void): void }).$on(
      'query',
      (e) => logLine.info('query', { sql: e.query, ms: e.duration }),
    );
  }
  return db;
}
