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
  return a.localeCompare(b, 'en', { numeric: true });
}

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
      if (other >= 0 && j < i && contains(sortedRows.subarray(other * k, (other + 1) * k), i)) continue;
      clusters.addEdge(i, j, scores[r * k + c]);
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

/** The graph's edges between two clusters: how many, and their summed similarity. */
interface Link {
  count: number;
  sum: number;
}

/** Clusters with the links to their neighbouring clusters, merged best-first. */
class ClusterSet {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  private readonly version: Int32Array;
  private readonly edges: Map<number, Link>[];
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
    this.weak = Uint8Array.from(faces, (face) => (face.weak ? 1 : 0));
    this.anchor = new Int32Array(n).fill(-1);
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

  addEdge(i: number, j: number, similarity: number): void {
    if (this.weak[i] || this.weak[j]) {
      if (this.weak[i]) this.weakEdge(i, j, similarity);
      if (this.weak[j]) this.weakEdge(j, i, similarity);
      return;
    }
    const a = this.find(i);
    const b = this.find(j);
    if (a === b) return;
    let link = this.edges[a].get(b);
    if (!link) {
      link = { count: 0, sum: 0 };
      this.edges[a].set(b, link);
      this.edges[b].set(a, link);
    }
    link.count++;
    link.sum += similarity;
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

  private linkage(a: number, b: number): number {
    const link = this.edges[a].get(b);
    if (!link) return 0;
    const enough = link.count >= Math.min(this.size[a], this.size[b]);
    return link.sum / (enough ? link.count : this.size[a] * this.size[b]);
  }

  private pushAll(a: number): void {
    for (const b of this.edges[a].keys()) {
      this.heap.push({ linkage: this.linkage(a, b), a, b, versionA: this.version[a], versionB: this.version[b] });
    }
  }

  private conflicts(a: number, b: number): boolean {
    if (this.anchor[a] >= 0 && this.anchor[b] >= 0 && this.anchor[a] !== this.anchor[b]) return true;
    const [small, large] = this.size[a] <= this.size[b] ? [a, b] : [b, a];
    for (const photo of this.photos[small]) if (this.photos[large].has(photo)) return true;
    for (const face of this.memberLists[small]) if (this.banned[large].has(face)) return true;
    return false;
  }

  /** Merges into the lower index, so ids stay deterministic. */
  private merge(x: number, y: number): void {
    const keep = Math.min(x, y);
    const gone = Math.max(x, y);
    this.weak[keep] = this.weak[x] & this.weak[y];
    this.anchor[keep] = Math.max(this.anchor[x], this.anchor[y]);
    this.parent[gone] = keep;
    this.size[keep] += this.size[gone];
    this.version[keep]++;
    this.version[gone]++;
    for (const [c, link] of this.edges[gone]) {
      this.edges[c].delete(gone);
      if (c === keep) continue;
      const kept = this.edges[keep].get(c);
      if (kept) {
        kept.count += link.count;
        kept.sum += link.sum;
      } else {
        this.edges[keep].set(c, link);
        this.edges[c].set(keep, link);
      }
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
