/**
 * Finds a link by the two tables it joins: a hash table with linear probing. Each slot holds the pair (lower table
 * first, -1 when empty) and the link, side by side, so a look-up mostly touches one cache line.
 */
export class LinkIndex {
  private readonly slots: Int32Array;
  private readonly bits: number;
  private readonly mask: number;

  constructor(maxLinks: number) {
    // At most 3/4 full.
    this.bits = Math.max(1, Math.ceil(Math.log2((maxLinks * 4) / 3 + 1)));
    this.mask = 2 ** this.bits - 1;
    this.slots = new Int32Array(3 * 2 ** this.bits).fill(-1);
  }

  /** The link between tables a and b, or -1. */
  get(a: number, b: number): number {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    const slots = this.slots;
    for (let i = this.home(low, high); ; i = this.next(i)) {
      if (slots[3 * i] === -1) return -1;
      if (slots[3 * i] === low && slots[3 * i + 1] === high) return slots[3 * i + 2];
    }
  }

  add(a: number, b: number, link: number): void {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    let i = this.home(low, high);
    while (this.slots[3 * i] !== -1) i = this.next(i);
    this.put(i, low, high, link);
  }

  remove(a: number, b: number): void {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    const slots = this.slots;
    let hole = this.home(low, high);
    while (slots[3 * hole] !== low || slots[3 * hole + 1] !== high) hole = this.next(hole);
    // Shift later pairs of the probe run back into the hole unless that would put them before their home.
    const mask = this.mask;
    for (let i = this.next(hole); slots[3 * i] !== -1; i = this.next(i)) {
      if (((i - this.home(slots[3 * i], slots[3 * i + 1])) & mask) >= ((i - hole) & mask)) {
        this.put(hole, slots[3 * i], slots[3 * i + 1], slots[3 * i + 2]);
        hole = i;
      }
    }
    this.slots[3 * hole] = -1;
  }

  private put(i: number, low: number, high: number, link: number): void {
    this.slots[3 * i] = low;
    this.slots[3 * i + 1] = high;
    this.slots[3 * i + 2] = link;
  }

  private next(i: number): number {
    return (i + 1) & this.mask;
  }

  /** Multiplicative hash of the pair, its top bits. */
  private home(low: number, high: number): number {
    return Math.imul(Math.imul(low, 0x9e3779b1) ^ high, 0x85ebca6b) >>> (32 - this.bits);
  }
}
