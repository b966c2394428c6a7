import { topK } from '@facegroup/native-align';

export interface GroupingFace {
  id: string;
  /** Faces of one photo never share a person. */
  photo: string;
  /** L2-normalised. */
  embedding: Float32Array;
}

export interface GroupingConstraints {
  /** Face sets a user put together (merge, move): each set ends up in one person. */
  together?: string[][];
  /** Face pairs a user separated ("not this person"): never in one person. */
  apart?: [string, string][];
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
 * (same photo, "not this person") and must-links (user merges and moves). The linkage of clusters A and B is
 * the sum of their edge similarities over |A||B|, non-edges counting 0 (as in graph HAC, e.g. ParHAC), so it is
 * exact average linkage while every face keeps all others as neighbours. Faces are sorted by id first, so the
 * result does not depend on input order. Returns clusters of face ids, largest first.
 */
export function groupFaces(faces: GroupingFace[], options: GroupingOptions): string[][] {
  const sorted = [...faces].sort((a, b) => compareIds(a.id, b.id));
  const n = sorted.length;
  if (n === 0) return [];
  const index = new Map(sorted.map((face, i) => [face.id, i]));
  if (index.size !== n) throw new Error('face ids must be unique');

  const clusters = new ClusterSet(sorted, index, options.constraints ?? {});
  addSimilarityEdges(clusters, sorted, options.neighbours);
  clusters.agglomerate(options.threshold);
  return clusters
    .members()
    .map((members) => members.map((i) => sorted[i].id))
    .sort((a, b) => b.length - a.length || compareIds(a[0], b[0]));
}

/** Orders ids naturally, so "photo#10" follows "photo#9". */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function addSimilarityEdges(clusters: ClusterSet, faces: GroupingFace[], neighbours: number): void {
  const n = faces.length;
  const k = Math.min(neighbours, n - 1);
  if (k <= 0) return;
  const dim = faces[0].embedding.length;
  const matrix = new Float32Array(n * dim);
  faces.forEach((face, i) => {
    if (face.embedding.length !== dim) throw new Error(`face ${face.id} has a ${face.embedding.length}-d embedding, others ${dim}-d`);
    matrix.set(face.embedding, i * dim);
  });
  const { indices, scores } = topK(matrix, matrix, dim, k, { excludeSelf: true });
  const sortedRows = indices.slice();
  for (let i = 0; i < n; i++) sortedRows.subarray(i * k, (i + 1) * k).sort();
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r];
      // Each unordered pair once: from the lower index, or from the higher one when the lower lacks it.
      if (j < 0 || (j < i && contains(sortedRows.subarray(j * k, (j + 1) * k), i))) continue;
      clusters.addEdge(i, j, scores[i * k + r]);
    }
  }
}

function contains(sorted: Int32Array, target: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === target) return true;
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Clusters with their summed edge similarities to neighbouring clusters, merged best-first. */
class ClusterSet {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  private readonly version: Int32Array;
  private readonly edges: Map<number, number>[];
  private readonly photos: Set<string>[];
  /** Faces that may not join the cluster ("not this person" partners of its faces). */
  private readonly banned: Set<number>[];
  private readonly memberLists: number[][];
  private readonly heap = new MaxHeap();

  constructor(faces: GroupingFace[], index: Map<string, number>, constraints: GroupingConstraints) {
    const n = faces.length;
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
    this.version = new Int32Array(n);
    this.edges = Array.from({ length: n }, () => new Map());
    this.photos = faces.map((face) => new Set([face.photo]));
    this.banned = Array.from({ length: n }, () => new Set());
    this.memberLists = Array.from({ length: n }, (_, i) => [i]);
    const known = (id: string) => index.get(id);
    for (const [a, b] of constraints.apart ?? []) {
      const i = known(a);
      const j = known(b);
      if (i === undefined || j === undefined) continue;
      this.banned[i].add(j);
      this.banned[j].add(i);
    }
    // User decisions outrank the same-photo rule: a user may put two faces of one photo together.
    for (const set of constraints.together ?? []) {
      const ids = set.map(known).filter((i): i is number => i !== undefined);
      for (const j of ids.slice(1)) {
        const a = this.find(ids[0]);
        const b = this.find(j);
        if (a !== b) this.merge(a, b);
      }
    }
  }

  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }

  addEdge(i: number, j: number, similarity: number): void {
    const a = this.find(i);
    const b = this.find(j);
    if (a === b) return;
    this.edges[a].set(b, (this.edges[a].get(b) ?? 0) + similarity);
    this.edges[b].set(a, (this.edges[b].get(a) ?? 0) + similarity);
  }

  agglomerate(threshold: number): void {
    for (let a = 0; a < this.parent.length; a++) if (this.find(a) === a) this.pushAll(a);
    for (;;) {
      const top = this.heap.pop();
      if (!top || top.linkage < threshold) return;
      const { a, b } = top;
      if (this.version[a] !== top.versionA || this.version[b] !== top.versionB) continue;
      if (this.conflicts(a, b)) {
        this.edges[a].delete(b);
        this.edges[b].delete(a);
        continue;
      }
      this.merge(a, b);
      this.pushAll(Math.min(a, b));
    }
  }

  members(): number[][] {
    return this.memberLists.filter((_, i) => this.find(i) === i && this.memberLists[i].length > 0);
  }

  private linkage(a: number, b: number): number {
    return (this.edges[a].get(b) ?? 0) / (this.size[a] * this.size[b]);
  }

  private pushAll(a: number): void {
    for (const b of this.edges[a].keys()) {
      this.heap.push({ linkage: this.linkage(a, b), a, b, versionA: this.version[a], versionB: this.version[b] });
    }
  }

  private conflicts(a: number, b: number): boolean {
    const [small, large] = this.size[a] <= this.size[b] ? [a, b] : [b, a];
    for (const photo of this.photos[small]) if (this.photos[large].has(photo)) return true;
    for (const face of this.memberLists[small]) if (this.banned[large].has(face)) return true;
    return false;
  }

  /** Merges into the lower index, so ids stay deterministic. */
  private merge(x: number, y: number): void {
    const keep = Math.min(x, y);
    const gone = Math.max(x, y);
    this.parent[gone] = keep;
    this.size[keep] += this.size[gone];
    this.version[keep]++;
    this.version[gone]++;
    for (const [c, sum] of this.edges[gone]) {
      this.edges[c].delete(gone);
      if (c === keep) continue;
      const total = (this.edges[keep].get(c) ?? 0) + sum;
      this.edges[keep].set(c, total);
      this.edges[c].set(keep, total);
    }
    this.edges[keep].delete(gone);
    this.edges[gone] = new Map();
    for (const photo of this.photos[gone]) this.photos[keep].add(photo);
    for (const face of this.banned[gone]) this.banned[keep].add(face);
    this.memberLists[keep].push(...this.memberLists[gone]);
    this.memberLists[gone] = [];
    this.photos[gone] = new Set();
    this.banned[gone] = new Set();
  }
}

interface HeapEntry {
  linkage: number;
  a: number;
  b: number;
  versionA: number;
  versionB: number;
}

/** Binary max-heap on linkage; ties broken by cluster indices so the merge order is deterministic. */
class MaxHeap {
  private readonly items: HeapEntry[] = [];

  push(entry: HeapEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(items[i], items[up])) break;
      [items[i], items[up]] = [items[up], items[i]];
      i = up;
    }
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && before(items[l], items[best])) best = l;
        if (r < items.length && before(items[r], items[best])) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

function before(x: HeapEntry, y: HeapEntry): boolean {
  if (x.linkage !== y.linkage) return x.linkage > y.linkage;
  const [x1, x2] = x.a < x.b ? [x.a, x.b] : [x.b, x.a];
  const [y1, y2] = y.a < y.b ? [y.a, y.b] : [y.b, y.a];
  return x1 !== y1 ? x1 < y1 : x2 < y2;
}
