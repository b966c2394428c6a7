import type { Tx } from '../db/client.js';

/** Photos of every group waiting to be analysed. */
export const pendingPhotoCount = (tx: Tx) => tx.jobItem.count({ where: { status: 'PENDING' } });
