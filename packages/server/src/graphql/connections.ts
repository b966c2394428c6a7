import { badInput } from '../errors.js';
import type { Page, PageOf } from '../services/query.service.js';

/** A list field's paging arguments. */
export interface PageArgs {
  first: number;
  after?: string | null;
}

/**
 * Cursors name a position in a list: its offset, base64url-encoded, so clients treat them as opaque and the
 * encoding can change. A cursor is valid for the list and arguments that gave it.
 */
const cursorOf = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

/** The page after the cursor (from the start without one). */
export function pageOf({ first, after }: PageArgs): Page {
  if (after === undefined || after === null) return { first, offset: 0 };
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw badInput('after is not a cursor of this list');
  return { first, offset: Number(match[1]) + 1 };
}

/** A page as a connection: its items with their cursors, and where it is in the list. */
export function connectionOf<T>({ totalCount, nodes }: PageOf<T>, { offset }: Page) {
  return {
    totalCount,
    nodes,
    edges: nodes.map((node, i) => ({ cursor: cursorOf(offset + i), node })),
    pageInfo: {
      hasNextPage: offset + nodes.length < totalCount,
      hasPreviousPage: offset > 0,
      startCursor: nodes.length > 0 ? cursorOf(offset) : null,
      endCursor: nodes.length > 0 ? cursorOf(offset + nodes.length - 1) : null,
    },
  };
}
