/** Orders ids naturally, so "photo#10" follows "photo#9". */
export function compareIds(a: string, b: string): number {
  return idCollator.compare(a, b);
}

/** What `a.localeCompare(b, 'en', { numeric: true })` uses, made once: that call builds a collator each time. */
const idCollator = new Intl.Collator('en', { numeric: true });
