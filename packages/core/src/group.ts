import { topK } from '@facegroup/native-align';

export interface GroupingFace {
  id: string;
  /** Faces of one photo never share a person. */
  photo: string;
  /** L2-normalised. */
  embedding: Float32Array;
  /** A low-quality face: it may join a person, but never starts one or pulls two together. */
  weak?: boolean;
}

/** A face left out of every person, and the person it came closest to. */
export interface UnassignedFace {
  faceId: string;
  /** Index into the clusters, and the face's average similarity to it (null when no neighbour is in one). */
  nearest: { cluster: number; similarity: number } | null;
}

export interface Grouping {
  /** Face ids per person, largest first. */
  clusters: string[][];
  unassigned: UnassignedFace[];
}

export interface GroupingConstraints {
  /** Face sets a user put together (merge, move): each set ends up in one person. */
  together?: string[][];
  /** Face pairs a user separated ("not this person"): never in one person. */
  apart?: [string, string][];
  /**
   * Persons that already exist (incremental grouping): each is kept whole and never merged with another;
   * only the other faces are compared, and they may join these persons or form new ones.
   */
  fixed?: string[][];
}

export interface GroupingOptions {
  /** Average cosine similarity between two clusters above which they are one person. */
  threshold: number;
  /** Neighbours per face in the similarity graph; pairs outside it count as similarity 0. */
  neighbours: number;
  constraints?: GroupingConstraints;
}

/**
 * Average-linkage agglomerative clustering over a k-nearest-neighbour cosine graph, with cannot-links
 * (same photo, "not this person") and must-links (user merges and moves). The linkage of two clusters is the
 * mean similarity of the pairs the graph shows between them, provided they are enough evidence, at least one
 * pair per face of the smaller cluster; otherwise pairs not shown count 0. While persons have at most k+1
 * faces the graph shows all pairs that matter and this is exact average linkage; a person with far more faces
 * than k is not split for lack of edges, and a few look-alike pairs cannot join two people. Weak faces are left
 * out of the clustering, then each joins the person it is closest to when that passes the threshold; the rest
 * stay unassigned. Faces are sorted by id first, so the result does not depend on input order.
 */
export function groupFaces(faces: GroupingFace[], options: GroupingOptions): Grouping {
  const sorted = [...faces].sort((a, b) => compareIds(a.id, b.id));
  const n = sorted.length;
  if (n === 0) return { clusters: [], unassigned: [] };
  const index = new Map(sorted.map((face, i) => [face.id, i]));
  if (index.size !== n) throw new Error('face ids must be unique');

  const constraints = options.constraints ?? {};
  const clusters = new ClusterSet(sorted, index, constraints);
  const fixedFaces = new Set((constraints.fixed ?? []).flat());
  const newFaces = sorted.flatMap((face, i) => (fixedFaces.has(face.id) ? [] : [i]));
  addSimilarityEdges(clusters, sorted, newFaces, options.neighbours);
  clusters.agglomerate(options.threshold);
  const unassigned = clusters.attachWeakFaces(options.threshold);
  const roots = clusters
    .roots()
    .sort((a, b) => clusters.membersOf(b).length - clusters.membersOf(a).length || a - b);
  const position = new Map(roots.map((root, i) => [root, i]));
  return {
    clusters: roots.map((root) => clusters.membersOf(root).map((i) => sorted[i].id).sort(compareIds)),
    unassigned: unassigned.map(({ face, nearest }) => ({
      faceId: sorted[face].id,
      nearest: nearest && { cluster: position.get(clusters.find(nearest.root))!, similarity: nearest.similarity },
    })),
  };
}

/** Orders ids naturally, so "photo#10" follows "photo#9". */
export function compareIds(a: string, b: string): number {
  return idCollator.compare(a, b);
}

/** What `a.localeCompare(b, 'en', { numeric: true })` uses, made once: that call builds a collator each time. */
const idCollator = new Intl.Collator('en', { numeric: true });

/** Edges from each face in `rows` to its nearest neighbours among all faces, each unordered pair once. */
function addSimilarityEdges(clusters: ClusterSet, faces: GroupingFace[], rows: number[], neighbours: number): void {
  const n = faces.length;
  const k = Math.min(neighbours + 1, n); // +1: a face finds itself first
  if (k <= 1 || rows.length === 0) return;
  const dim = faces[0].embedding.length;
  const all = new Float32Array(n * dim);
  faces.forEach((face, i) => {
    if (face.embedding.length !== dim) throw new Error(`face ${face.id} has a ${face.embedding.length}-d embedding, others ${dim}-d`);
    all.set(face.embedding, i * dim);
  });
  const query = rows.length === n ? all : new Float32Array(rows.length * dim);
  if (query !== all) rows.forEach((i, r) => query.set(faces[i].embedding, r * dim));
  const { indices, scores } = topK(query, all, dim, k);
  clusters.reserveLinks(rows.length * k);
  const rowOf = new Int32Array(n).fill(-1);
  rows.forEach((i, r) => (rowOf[i] = r));
  const sortedRows = indices.slice();
  for (let r = 0; r < rows.length; r++) sortedRows.subarray(r * k, (r + 1) * k).sort();
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    for (let c = 0; c < k; c++) {
      const j = indices[r * k + c];
      if (j < 0 || j === i) continue;
      // A pair seen from both ends counts once: from the lower index.
      const other = rowOf[j];
      if (other >= 0 && j < i && contains(sortedRows, other * k, (other + 1) * k, i)) continue;
      clusters.addEdge(i, j, scores[r * k + c]);
    }
  }
}

/** Whether sorted[from..to) holds target (no subarray view: this runs once per edge). */
function contains(sorted: Int32Array, from: number, to: number, target: number): boolean {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === target) return true;
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The graph's edges between a weak face and a cluster: how many, and their summed similarity. */
interface Link {
  count: number;
  sum: number;
}

/**
 * Clusters with the links to their neighbouring clusters, merged best-first.
 *
 * A cluster's links are listed in a table. When two clusters merge, the larger table stays and only the smaller
 * one's links move, so a big person absorbing faces one by one costs each face's links, not the person's. Tables
 * are numbered apart from clusters (`tableOf`, `rootOf`) because the kept table may be the one of the cluster
 * whose index goes away. Links live in typed arrays, found by their two tables through a hash index.
 */
class ClusterSet {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  private readonly photos: Set<string>[];
  /** Faces that may not join the cluster ("not this person" partners of its faces). */
  private readonly banned: Set<number>[];
  private readonly memberLists: number[][];
  /** For clusters holding an existing (fixed) person: its index; -1 otherwise. */
  private readonly anchor: Int32Array;
  /** Weak faces not placed by a user: they take no part in merging. */
  private readonly weak: Uint8Array;
  /** Edges from each weak face to other faces: [face, similarity]. */
  private readonly weakEdges = new Map<number, [number, number][]>();
  private readonly tableOf: Int32Array;
  private readonly rootOf: Int32Array;
  /** Per table: its links, including dead ones (merged into another link or cut) until the table goes. */
  private readonly tables: number[][];
  /** Per link: the graph's edges between its two clusters (how many, 0 once dead; summed similarity) and its two tables. */
  private linkCount = new Int32Array(0);
  private linkSum = new Float64Array(0);
  private linkEnds = new Int32Array(0);
  private links = 0;
  private linkIndex = new LinkIndex(0);
  /** Links at or above the threshold, keyed by their linkage or an upper bound of it. */
  private queue = new LinkHeap(0);
  private threshold = 0;

  constructor(faces: GroupingFace[], index: Map<string, number>, constraints: GroupingConstraints) {
    const n = faces.length;
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
    this.photos = faces.map((face) => new Set([face.photo]));
    this.banned = Array.from({ length: n }, () => new Set());
    this.memberLists = Array.from({ length: n }, (_, i) => [i]);
    this.weak = Uint8Array.from(faces, (face) => (face.weak ? 1 : 0));
    this.anchor = new Int32Array(n).fill(-1);
    this.tableOf = Int32Array.from({ length: n }, (_, i) => i);
    this.rootOf = Int32Array.from({ length: n }, (_, i) => i);
    this.tables = Array.from({ length: n }, () => []);
    const known = (id: string) => index.get(id);
    for (const [a, b] of constraints.apart ?? []) {
      const i = known(a);
      const j = known(b);
      if (i === undefined || j === undefined) continue;
      this.banned[i].add(j);
      this.banned[j].add(i);
    }
    // User decisions and existing persons outrank the same-photo rule and face quality.
    const sets = [...(constraints.fixed ?? []), ...(constraints.together ?? [])];
    sets.forEach((set, s) => {
      const ids = set.map(known).filter((i): i is number => i !== undefined);
      for (const i of ids) this.weak[i] = 0;
      for (const j of ids.slice(1)) {
        const a = this.find(ids[0]);
        const b = this.find(j);
        if (a !== b) this.merge(a, b);
      }
      if (s < (constraints.fixed ?? []).length && ids.length > 0) this.anchor[this.find(ids[0])] = s;
    });
  }

  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }

  /** Room for `count` links: at most one per edge added. */
  reserveLinks(count: number): void {
    this.linkCount = new Int32Array(count);
    this.linkSum = new Float64Array(count);
    this.linkEnds = new Int32Array(2 * count);
    this.linkIndex = new LinkIndex(count);
  }

  addEdge(i: number, j: number, similarity: number): void {
    if (this.weak[i] || this.weak[j]) {
      if (this.weak[i]) this.weakEdge(i, j, similarity);
      if (this.weak[j]) this.weakEdge(j, i, similarity);
      return;
    }
    const a = this.find(i);
    const b = this.find(j);
    if (a === b) return;
    const tableA = this.tableOf[a];
    const tableB = this.tableOf[b];
    let link = this.linkIndex.get(tableA, tableB);
    if (link < 0) {
      link = this.links++;
      this.linkEnds[2 * link] = tableA;
      this.linkEnds[2 * link + 1] = tableB;
      this.linkIndex.add(tableA, tableB, link);
      this.tables[tableA].push(link);
      this.tables[tableB].push(link);
    }
    this.linkCount[link]++;
    this.linkSum[link] += similarity;
  }

  /**
   * Merges the pair of clusters with the highest linkage (ties: lowest cluster indices) until none passes the
   * threshold; a pair that may not merge loses its link.
   *
   * Only links at or above the threshold are queued, and their keys are upper bounds of their linkage, refreshed
   * when they reach the top: a merge raises the keys of the links it changed but leaves lower ones be. A link no
   * merge touched keeps its count and sum while its clusters grow, so its linkage can only fall (the mean stays,
   * or the sum is spread over a larger |A||B|, or it switches from the mean to that). That needs a positive sum;
   * with a threshold of 0 or below, links with a negative sum matter, and every link of a merged cluster is
   * re-queued.
   */
  agglomerate(threshold: number): void {
    this.threshold = threshold;
    this.queue = new LinkHeap(this.links);
    for (let link = 0; link < this.links; link++) {
      const linkage = this.linkage(link);
      if (linkage >= threshold) this.queue.append(link, linkage);
    }
    this.queue.order();
    const top: number[] = [];
    while (this.queue.size > 0) {
      // The best link holds the top key, as may others: stale upper bounds, refreshed here, and exact ties, settled
      // by cluster indices now rather than by heap order (a cluster's index drops when it absorbs a lower one).
      const key = this.queue.topKey();
      top.length = 0;
      while (this.queue.size > 0 && this.queue.topKey() === key) top.push(this.queue.pop());
      let best = -1;
      for (const link of top) {
        if (this.linkage(link) === key && (best < 0 || this.ranksBefore(link, best))) best = link;
      }
      for (const link of top) if (link !== best) this.queueIfPassing(link);
      if (best < 0) continue;
      const a = this.rootOf[this.linkEnds[2 * best]];
      const b = this.rootOf[this.linkEnds[2 * best + 1]];
      this.cut(best);
      if (!this.conflicts(a, b)) this.mergeLinked(a, b);
    }
    this.tables.fill([]);
  }

  /**
   * Each weak face joins the person with the highest average similarity to it (non-neighbours counting 0),
   * if that passes the threshold and breaks no cannot-link; best pairs first. Returns the faces left out.
   */
  attachWeakFaces(threshold: number): { face: number; nearest: { root: number; similarity: number } | null }[] {
    const candidates: { similarity: number; face: number; root: number }[] = [];
    const nearest = new Map<number, { root: number; similarity: number }>();
    for (const [face, edges] of this.weakEdges) {
      const links = new Map<number, Link>();
      for (const [j, similarity] of edges) {
        if (this.weak[j]) continue;
        const root = this.find(j);
        const link = links.get(root) ?? { count: 0, sum: 0 };
        link.count++;
        link.sum += similarity;
        links.set(root, link);
      }
      for (const [root, link] of links) {
        const similarity = link.sum / link.count; // the linkage of a one-face cluster
        const best = nearest.get(face);
        if (!best || similarity > best.similarity || (similarity === best.similarity && root < best.root)) {
          nearest.set(face, { root, similarity });
        }
        if (similarity >= threshold) candidates.push({ similarity, face, root });
      }
    }
    candidates.sort((x, y) => y.similarity - x.similarity || x.face - y.face || x.root - y.root);
    const placed = new Set<number>();
    for (const candidate of candidates) {
      const { face } = candidate;
      const root = this.find(candidate.root);
      if (placed.has(face) || this.conflicts(root, face)) continue;
      this.merge(root, face);
      placed.add(face);
    }
    const left: { face: number; nearest: { root: number; similarity: number } | null }[] = [];
    for (let face = 0; face < this.weak.length; face++) {
      if (this.weak[face] && !placed.has(face)) left.push({ face, nearest: nearest.get(face) ?? null });
    }
    return left;
  }

  /** Clusters of strong faces (and the weak faces that joined them). */
  roots(): number[] {
    const roots: number[] = [];
    for (let i = 0; i < this.parent.length; i++) if (this.find(i) === i && !this.isLoneWeak(i)) roots.push(i);
    return roots;
  }

  membersOf(root: number): number[] {
    return this.memberLists[root];
  }

  private isLoneWeak(i: number): boolean {
    return this.weak[i] === 1 && this.size[i] === 1;
  }

  private weakEdge(face: number, other: number, similarity: number): void {
    let edges = this.weakEdges.get(face);
    if (!edges) this.weakEdges.set(face, (edges = []));
    edges.push([other, similarity]);
  }

  private linkage(link: number): number {
    const a = this.rootOf[this.linkEnds[2 * link]];
    const b = this.rootOf[this.linkEnds[2 * link + 1]];
    const count = this.linkCount[link];
    const enough = count >= Math.min(this.size[a], this.size[b]);
    return this.linkSum[link] / (enough ? count : this.size[a] * this.size[b]);
  }

  /** Whether link x's clusters come before link y's: by the lower cluster index, then the higher. */
  private ranksBefore(x: number, y: number): boolean {
    const [x1, x2] = this.rootsOf(x);
    const [y1, y2] = this.rootsOf(y);
    return x1 !== y1 ? x1 < y1 : x2 < y2;
  }

  /** The link's two clusters, lower index first. */
  private rootsOf(link: number): [number, number] {
    const a = this.rootOf[this.linkEnds[2 * link]];
    const b = this.rootOf[this.linkEnds[2 * link + 1]];
    return a < b ? [a, b] : [b, a];
  }

  /** Queues the link if it passes the threshold, or raises its key; a lower key waits to be refreshed at the top. */
  private queueIfPassing(link: number): void {
    const linkage = this.linkage(link);
    if (linkage >= this.threshold) this.queue.raise(link, linkage);
  }

  /** Removes a popped link: its clusters merge, or may not. */
  private cut(link: number): void {
    this.linkIndex.remove(this.linkEnds[2 * link], this.linkEnds[2 * link + 1]);
    this.linkCount[link] = 0;
  }

  /** Merges two clusters no longer linked to each other, and their links to the others. */
  private mergeLinked(a: number, b: number): void {
    const tableA = this.tableOf[a];
    const tableB = this.tableOf[b];
    this.merge(a, b);
    const [kept, moved] = this.tables[tableA].length >= this.tables[tableB].length ? [tableA, tableB] : [tableB, tableA];
    const root = Math.min(a, b);
    this.tableOf[root] = kept;
    this.rootOf[kept] = root;
    const keptLinks = this.tables[kept];
    for (const link of this.tables[moved]) {
      if (this.linkCount[link] === 0) continue;
      const end = this.linkEnds[2 * link] === moved ? 2 * link : 2 * link + 1;
      const other = this.linkEnds[end ^ 1];
      this.linkIndex.remove(moved, other);
      const shared = this.linkIndex.get(kept, other);
      if (shared < 0) {
        this.linkEnds[end] = kept;
        this.linkIndex.add(kept, other, link);
        keptLinks.push(link);
        this.queueIfPassing(link);
      } else {
        this.linkCount[shared] += this.linkCount[link];
        this.linkSum[shared] += this.linkSum[link];
        this.linkCount[link] = 0;
        this.queue.remove(link);
        this.queueIfPassing(shared);
      }
    }
    this.tables[moved] = [];
    if (this.threshold <= 0) for (const link of keptLinks) if (this.linkCount[link] > 0) this.queueIfPassing(link);
  }

  private conflicts(a: number, b: number): boolean {
    if (this.anchor[a] >= 0 && this.anchor[b] >= 0 && this.anchor[a] !== this.anchor[b]) return true;
    const [small, large] = this.size[a] <= this.size[b] ? [a, b] : [b, a];
    for (const photo of this.photos[small]) if (this.photos[large].has(photo)) return true;
    for (const face of this.memberLists[small]) if (this.banned[large].has(face)) return true;
    return false;
  }

  /** Merges into the lower index, so ids stay deterministic; the larger of each pair of sets is kept. */
  private merge(x: number, y: number): void {
    const keep = Math.min(x, y);
    const gone = Math.max(x, y);
    this.weak[keep] = this.weak[x] & this.weak[y];
    this.anchor[keep] = Math.max(this.anchor[x], this.anchor[y]);
    this.parent[gone] = keep;
    this.size[keep] += this.size[gone];
    this.photos[keep] = union(this.photos[keep], this.photos[gone]);
    this.banned[keep] = union(this.banned[keep], this.banned[gone]);
    const [longer, shorter] = this.memberLists[keep].length >= this.memberLists[gone].length
      ? [this.memberLists[keep], this.memberLists[gone]]
      : [this.memberLists[gone], this.memberLists[keep]];
    for (const face of shorter) longer.push(face);
    this.memberLists[keep] = longer;
    this.memberLists[gone] = [];
    this.photos[gone] = new Set();
    this.banned[gone] = new Set();
  }
}

/** The union of two sets, built by adding the smaller to the larger (which it reuses). */
function union<T>(x: Set<T>, y: Set<T>): Set<T> {
  const [larger, smaller] = x.size >= y.size ? [x, y] : [y, x];
  for (const item of smaller) larger.add(item);
  return larger;
}

/**
 * Max-heap of link ids by key, which knows where each link sits so its key can rise in place. Four children per
 * node: half the depth of a binary heap, and a node's children share a cache line.
 */
class LinkHeap {
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

/**
 * Finds a link by the two tables it joins: a hash table with linear probing. Each slot holds the pair (lower table
 * first, -1 when empty) and the link, side by side, so a look-up mostly touches one cache line.
 */
class LinkIndex {
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
