import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Starts the loopback PostgreSQL server for the PostgreSQL suite when TEST_POSTGRES_URL is not given and the
 * server is installed (scripts/setup.sh installs it). In CI a missing server is an error, not a skip.
 */
export default function setup(): void {
  if (process.env.TEST_POSTGRES_URL) return;
  const installed =
    existsSync('/usr/lib/postgresql') &&
    readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')));
  if (!installed) {
    if (process.env.CI) throw new Error('PostgreSQL is not installed: run scripts/setup.sh');
    return;
  }
  process.env.TEST_POSTGRES_URL = execFileSync('bash', [join(import.meta.dirname, 'start-postgres.sh')], {
    encoding: 'utf8',
  }).trim();
}
