/**
 * Max-heap of link ids by key, which knows where each link sits so its key can rise in place. Four children per
 * node: half the depth of a binary heap, and a node's children share a cache line.
 */
export class LinkHeap {
  private readonly links: Int32Array;
  private readonly keys: Float64Array;
  /** Each link's position in the heap plus one; 0 when it is not queued. */
  private readonly place: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.links = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.place = new Int32Array(capacity);
  }

  /** Adds a link without ordering: call `order` before anything else. */
  append(link: number, key: number): void {
    this.put(this.size++, link, key);
  }

  /** Orders appended links bottom-up, cheaper than adding them one by one. */
  order(): void {
    for (let i = (this.size - 2) >> 2; i >= 0; i--) this.moveDown(i, this.links[i], this.keys[i]);
  }

  topKey(): number {
    return this.keys[0];
  }

  pop(): number {
    const link = this.links[0];
    this.removeAt(0);
    return link;
  }

  /** Unqueues the link if queued. Cheaper than leaving it to be popped: most positions are near the leaves. */
  remove(link: number): void {
    const place = this.place[link];
    if (place !== 0) this.removeAt(place - 1);
  }

  /** Queues the link with this key, or raises its key to this one. */
  raise(link: number, key: number): void {
    const place = this.place[link];
    if (place === 0) {
      this.size++;
      this.moveUp(this.size - 1, link, key);
    } else if (key > this.keys[place - 1]) this.moveUp(place - 1, link, key);
  }

  private removeAt(i: number): void {
    this.place[this.links[i]] = 0;
    this.size--;
    if (i === this.size) return;
    const link = this.links[this.size];
    const key = this.keys[this.size];
    if (i > 0 && key > this.keys[(i - 1) >> 2]) this.moveUp(i, link, key);
    else this.moveDown(i, link, key);
  }

  /** Puts (link, key) at position i or above, moving smaller parents down. */
  private moveUp(i: number, link: number, key: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (this.keys[parent] >= key) break;
      this.put(i, this.links[parent], this.keys[parent]);
      i = parent;
    }
    this.put(i, link, key);
  }

  /** Puts (link, key) at position i or below, moving larger children up. */
  private moveDown(i: number, link: number, key: number): void {
    for (;;) {
      const first = 4 * i + 1;
      if (first >= this.size) break;
      let child = first;
      const last = Math.min(first + 4, this.size);
      for (let c = first + 1; c < last; c++) if (this.keys[c] > this.keys[child]) child = c;
      if (this.keys[child] <= key) break;
      this.put(i, this.links[child], this.keys[child]);
      i = child;
    }
    this.put(i, link, key);
  }

  private put(i: number, link: number, key: number): void {
    this.links[i] = link;
    this.keys[i] = key;
    this.place[link] = i + 1;
  }
}
