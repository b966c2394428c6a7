import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout the commands run in: out/ is written there, and ../shared (models, evaluation sets) lies beside it. */
export const checkoutRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The workplace's shared folder beside the checkout. */
export const sharedDir = resolve(checkoutRoot, '..', 'shared');
