/** Adds a value to the list under a key. */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A long list in parts: Prisma binds at most 999 values in a query to SQLite (it splits a longer list only when the
 * query has no order), so lists of ids as long as a group's go to the database a part at a time.
 */
export function chunksOf<T>(items: T[], size = 500): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Rows read per query when a whole group is read. */
const PAGE_ROWS = 2000;

/**
 * All rows of a query, read a page at a time in id order (keyset paging). SQLite runs queries synchronously on the
 * event loop: a group's 50,000 faces read at once held up every request for a second; a page is a few milliseconds.
 */
export async function readInPages<T extends { id: string }>(
  readPage: (page: { take: number; cursor?: { id: string }; skip?: number; orderBy: { id: 'asc' } }) => Promise<T[]>,
): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const last = rows.at(-1);
    const page = await readPage({
      take: PAGE_ROWS,
      orderBy: { id: 'asc' },
      ...(last ? { cursor: { id: last.id }, skip: 1 } : {}),
    });
    rows.push(...page);
    if (page.length < PAGE_ROWS) return rows;
    await new Promise((resolve) => setImmediate(resolve)); // let waiting requests run between pages
  }
}
