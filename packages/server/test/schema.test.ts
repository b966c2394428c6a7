import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/paths.js';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (it runs on install, before any TypeScript tooling)
import { derivePostgresSchema } from '../scripts/prisma-generate.mjs';
import { migrationsDir } from '../src/db/migrate.js';

const prismaDir = join(repoRoot, 'prisma');
const sqliteSchema = readFileSync(join(prismaDir, 'schema.sqlite.prisma'), 'utf8');

/** Tables and their scalar columns as the Prisma schema declares them (relation fields have a model type). */
function schemaTables(schema: string): Map<string, string[]> {
  const models = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]));
  const tables = new Map<string, string[]>();
  for (const [, name, body] of models) {
    const table = /@@map\("(\w+)"\)/.exec(body)?.[1] ?? name;
    const columns = body
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([field, type]) => field && /^\w+$/.test(field) && type && !modelNames.has(type.replace(/[?[\]]/g, '')))
      .map(([field]) => field);
    tables.set(table, columns.sort());
  }
  return tables;
}

/** Tables and columns the committed migrations create or add, in order. */
function migrationTables(provider: string): Map<string, string[]> {
  const dir = migrationsDir(provider);
  const sql = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
  const tables = new Map<string, string[]>();
  for (const [, table, body] of sql.matchAll(/CREATE TABLE "(\w+)" \(([\s\S]*?)\n\);/g)) {
    tables.set(
      table,
      [...body.matchAll(/^\s+"(\w+)" /gm)].map((m) => m[1]),
    );
  }
  for (const [, table, column] of sql.matchAll(/ALTER TABLE "(\w+)" ADD COLUMN "(\w+)"/g)) tables.get(table)!.push(column);
  for (const columns of tables.values()) columns.sort();
  return tables;
}

describe('database schema', () => {
  it('keeps the committed PostgreSQL schema derived from the SQLite one', () => {
    expect(readFileSync(join(prismaDir, 'schema.postgresql.prisma'), 'utf8')).toBe(derivePostgresSchema(sqliteSchema));
  });

  it.each(['sqlite', 'postgresql'])('creates every model and column in the %s migrations', (provider) => {
    const expected = schemaTables(sqliteSchema);
    expect(expected.size).toBeGreaterThan(5);
    expect(Object.fromEntries(migrationTables(provider))).toEqual(Object.fromEntries(expected));
  });
});
