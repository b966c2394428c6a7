// Generates the Prisma clients for both databases; runs on `pnpm install` (postinstall), offline.
// prisma/schema.sqlite.prisma is the source; the PostgreSQL schema is derived from it so the models cannot drift.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaDir = join(serverDir, '..', '..', 'prisma');
const sqliteSchema = join(prismaDir, 'schema.sqlite.prisma');
const postgresSchema = join(prismaDir, 'schema.postgresql.prisma');

export function derivePostgresSchema(sqlite) {
  const derived = sqlite
    .replace(/^(\s*provider\s*=\s*)"sqlite"/m, '$1"postgresql"')
    .replace(/(output\s*=\s*"[^"]*\/generated\/)sqlite"/, '$1postgresql"');
  if (!derived.includes('"postgresql"') || !derived.includes('generated/postgresql"')) {
    throw new Error(`${sqliteSchema}: expected provider = "sqlite" and output = ".../generated/sqlite"`);
  }
  return `// GENERATED from schema.sqlite.prisma by packages/server/scripts/prisma-generate.mjs; do not edit.\n${derived}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(postgresSchema, derivePostgresSchema(readFileSync(sqliteSchema, 'utf8')));
  // `prisma generate` needs no schema engine, but the CLI looks for one; any existing file satisfies it offline.
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || '/bin/true' };
  const prisma = join(serverDir, 'node_modules', '.bin', 'prisma');
  for (const schema of [sqliteSchema, postgresSchema]) {
    execFileSync(prisma, ['generate', '--schema', schema], { env, stdio: 'inherit', cwd: serverDir });
  }
}
