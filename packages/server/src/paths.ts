import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: prisma/ (schema, migrations) and the default data/ folder live there. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
