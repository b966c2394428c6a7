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
