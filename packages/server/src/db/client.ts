import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
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

export async function openDatabase(databaseUrl: string): Promise<Database> {
  const provider = providerOf(databaseUrl);
  if (provider === 'postgresql') {
    const db = new PostgresClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) }) as unknown as Db;
    return { db, provider };
  }
  mkdirSync(dirname(databaseUrl.slice('file:'.length)), { recursive: true });
  const db = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: databaseUrl }) });
  // SQLite enforces foreign keys (cascades) only when asked; WAL lets readers run beside the ingest writer.
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$executeRawUnsafe('PRAGMA busy_timeout = 10000');
  return { db, provider };
}
