import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../paths.js';
import type { Database } from './client.js';

export const migrationsDir = (provider: string) => join(repoRoot, 'prisma', 'migrations', provider);

/**
 * Brings the database to the current schema with the committed SQL of prisma/migrations/<provider>/ (Prisma's
 * own migrate needs a schema-engine binary that offline machines lack). Each file runs once, in one transaction,
 * recorded in `_migrations`. Returns the names applied now.
 */
export async function migrate({ db, provider }: Database): Promise<string[]> {
  await db.$executeRawUnsafe(
    'CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT NOT NULL PRIMARY KEY, "appliedAt" TEXT NOT NULL)',
  );
  const rows = await db.$queryRawUnsafe<{ name: string }[]>('SELECT "name" FROM "_migrations"');
  const applied = new Set(rows.map((row) => row.name));
  const dir = migrationsDir(provider);
  const pending = readdirSync(dir)
    .filter((name) => name.endsWith('.sql') && !applied.has(name))
    .sort();
  for (const name of pending) {
    const statements = splitStatements(readFileSync(join(dir, name), 'utf8'));
    await db.$transaction(async (tx) => {
      for (const statement of statements) await tx.$executeRawUnsafe(statement);
      await tx.$executeRaw`INSERT INTO "_migrations" ("name", "appliedAt") VALUES (${name}, ${new Date().toISOString()})`;
    });
  }
  return pending;
}

/** Statements end with `;` at the end of a line (the migrations are plain DDL, no procedural bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
