import { ClusterSums } from './cluster-sums.js';
import type { GroupingConstraints, GroupingFace } from './group-faces.js';
import { LinkHeap } from './link-heap.js';
import { LinkIndex } from './link-index.js';

/**
 * How clusters merge. `mean`: while the mean similarity of the pairs the graph shows between two clusters passes
 * the threshold, provided they are enough evidence (at least one pair per face of the smaller cluster), else the
 * graph's sum over all |A||B| pairs. `cohesion`: while their cohesion linkage (the exact mean similarity across
 * them, divided by the geometric mean of each one's cohesion, its mean similarity within, at least the threshold;
 * 1 for a single face) passes `cohesionRatio` × threshold, and the pairs across are on average at least
 * `typicalityRatio` times as similar as the larger cluster's least typical face is to the rest of it. Two single
 * faces never merge by cohesion: they have no evidence beyond their one pair.
 */
export type MergeRule =
  | { linkage: 'mean'; threshold: number }
  | { linkage: 'cohesion'; threshold: number; cohesionRatio: number; typicalityRatio: number };

/** Why two clusters may not merge. */
export type Conflict = 'same photo' | 'not this person' | 'existing persons';

/** Two clusters the graph links that did not merge by cohesion: the evidence, and what kept them apart. */
export interface MergeCandidate {
  a: number;
  b: number;
  linkage: number;
  meanSimilarity: number;
  cohesion: [number, number];
  /** The lowest mean similarity of a face of the cluster to its other faces; null for a single face. */
  typicality: [number | null, number | null];
  faces: [number, number];
  reason: 'below threshold' | 'unlike their own faces' | 'existing persons';
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
export class ClusterSet {
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
  private rule: MergeRule = { linkage: 'mean', threshold: 0 };
  /** The linkage a link needs to be queued. */
  private threshold = 0;
  /** Embedding sums, kept from the first cohesion-linkage pass on. */
  private sums: ClusterSums | null = null;
  /** Pairs of faces whose clusters passed the threshold but are both existing persons, or are near existing persons. */
  private readonly heldApart: [number, number][] = [];

  constructor(
    private readonly faces: GroupingFace[],
    index: Map<string, number>,
    constraints: GroupingConstraints,
  ) {
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
   * when they reach the top: a merge raises the keys of the links it changed. With the mean linkage it leaves the
   * others be: a link no merge touched keeps its count and sum while its clusters grow, so its linkage can only
   * fall (the mean stays, or the sum is spread over a larger |A||B|, or it switches from the mean to that). That
   * needs a positive sum; with a threshold of 0 or below, links with a negative sum matter, and every link of a
   * merged cluster is re-queued, as with the cohesion linkage, where a merge changes the cluster's cohesion.
   */
  agglomerate(rule: MergeRule): void {
    this.rule = rule;
    this.threshold = rule.linkage === 'cohesion' ? rule.cohesionRatio * rule.threshold : rule.threshold;
    if (rule.linkage === 'cohesion' && !this.sums) this.startSums();
    this.queue = new LinkHeap(this.links);
    for (let link = 0; link < this.links; link++) {
      if (this.linkCount[link] === 0) continue;
      const key = this.linkage(link);
      if (key >= this.threshold) this.queue.append(link, key);
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
      // Left linked but unqueued: it is looked at again when either cluster changes.
      if (rule.linkage === 'cohesion' && !this.typicalEnough(a, b)) continue;
      this.cut(best);
      const conflict = this.conflict(a, b);
      if (conflict === null) this.mergeLinked(a, b);
      else if (conflict === 'existing persons') this.heldApart.push([a, b]);
    }
  }

  /**
   * After the cohesion pass: pairs of clusters that are linked, or were held apart as existing persons, with a
   * cohesion linkage of at least `floor`; each pair once.
   */
  mergeCandidates(floor: number): MergeCandidate[] {
    const seen = new Set<string>();
    const candidates: MergeCandidate[] = [];
    const consider = (x: number, y: number) => {
      const [a, b] = [this.find(x), this.find(y)].sort((p, q) => p - q);
      const key = `${a},${b}`;
      if (a === b || seen.has(key)) return;
      seen.add(key);
      const conflict = this.conflict(a, b);
      if (conflict !== null && conflict !== 'existing persons') return;
      const { linkage, meanSimilarity, cohesion } = this.cohesionLinkage(a, b);
      if (linkage < floor) return;
      // Two single faces were judged by their one pair, against the threshold of the first pass.
      const single = this.size[a] === 1 && this.size[b] === 1;
      // Otherwise the rule would have merged them, unless they are existing persons.
      const reason =
        linkage < this.threshold || single
          ? 'below threshold'
          : !this.typicalEnough(a, b)
            ? 'unlike their own faces'
            : 'existing persons';
      const typicality = [a, b].map((c) => (this.size[c] > 1 ? this.sums!.typicality(c, this.memberLists[c]) : null));
      candidates.push({
        a,
        b,
        linkage,
        meanSimilarity,
        cohesion,
        reason,
        typicality: typicality as [number | null, number | null],
        faces: [this.size[a], this.size[b]],
      });
    };
    for (let link = 0; link < this.links; link++) {
      if (this.linkCount[link] > 0) consider(this.rootOf[this.linkEnds[2 * link]], this.rootOf[this.linkEnds[2 * link + 1]]);
    }
    for (const [x, y] of this.heldApart) consider(x, y);
    return candidates;
  }

  /** Clusters holding an existing person. */
  existingPersons(): number[] {
    const roots: number[] = [];
    for (let i = 0; i < this.parent.length; i++) if (this.find(i) === i && this.anchor[i] >= 0) roots.push(i);
    return roots;
  }

  /** The direction of the cluster's mean face. */
  meanDirection(root: number): Float32Array {
    if (!this.sums) this.startSums();
    return this.sums!.direction(root);
  }

  /** Two existing persons to weigh as a merge candidate: they share no edges, only new faces are compared. */
  holdApart(a: number, b: number): void {
    this.heldApart.push([a, b]);
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
      if (placed.has(face) || this.conflict(root, face) !== null) continue;
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
    if (!edges) {
      edges = [];
      this.weakEdges.set(face, edges);
    }
    edges.push([other, similarity]);
  }

  private linkage(link: number): number {
    const a = this.rootOf[this.linkEnds[2 * link]];
    const b = this.rootOf[this.linkEnds[2 * link + 1]];
    if (this.rule.linkage === 'cohesion') return this.cohesionLinkage(a, b).linkage;
    const count = this.linkCount[link];
    const enough = count >= Math.min(this.size[a], this.size[b]);
    return this.linkSum[link] / (enough ? count : this.size[a] * this.size[b]);
  }

  private cohesionLinkage(a: number, b: number): { linkage: number; meanSimilarity: number; cohesion: [number, number] } {
    const sums = this.sums!;
    const meanSimilarity = sums.meanSimilarity(a, this.size[a], b, this.size[b]);
    const cohesion: [number, number] = [sums.cohesion(a, this.size[a]), sums.cohesion(b, this.size[b])];
    // A loose cluster (a user's merge of unlike faces) counts as no looser than the threshold, so it attracts no more.
    const floor = this.rule.threshold;
    const scale = Math.sqrt(Math.max(cohesion[0], floor) * Math.max(cohesion[1], floor));
    return { linkage: meanSimilarity / scale, meanSimilarity, cohesion };
  }

  /**
   * Whether the pairs across are on average about as similar as the larger cluster's least typical face is to the
   * rest of it (clusters of one size: the stricter of the two). A single face is no reference: two never pass.
   */
  private typicalEnough(a: number, b: number): boolean {
    if (this.rule.linkage !== 'cohesion') return true;
    const sums = this.sums!;
    const references = this.size[a] === this.size[b] ? [a, b] : [this.size[a] > this.size[b] ? a : b];
    let needed = -Infinity;
    for (const c of references) if (this.size[c] > 1) needed = Math.max(needed, sums.typicality(c, this.memberLists[c]));
    if (needed === -Infinity) return false;
    return sums.meanSimilarity(a, this.size[a], b, this.size[b]) >= this.rule.typicalityRatio * needed;
  }

  /** Sums of the clusters there are now; merges keep them from here on. */
  private startSums(): void {
    this.sums = new ClusterSums(this.faces.map((face) => face.embedding));
    for (let i = 0; i < this.parent.length; i++)
      if (this.find(i) === i && this.size[i] > 1) this.sums.start(i, this.memberLists[i]);
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
    if (this.rule.linkage === 'cohesion' || this.threshold <= 0)
      for (const link of keptLinks) if (this.linkCount[link] > 0) this.queueIfPassing(link);
  }

  private conflict(a: number, b: number): Conflict | null {
    const [small, large] = this.size[a] <= this.size[b] ? [a, b] : [b, a];
    for (const photo of this.photos[small]) if (this.photos[large].has(photo)) return 'same photo';
    for (const face of this.memberLists[small]) if (this.banned[large].has(face)) return 'not this person';
    if (this.anchor[a] >= 0 && this.anchor[b] >= 0 && this.anchor[a] !== this.anchor[b]) return 'existing persons';
    return null;
  }

  /** Merges into the lower index, so ids stay deterministic; the larger of each pair of sets is kept. */
  private merge(x: number, y: number): void {
    const keep = Math.min(x, y);
    const gone = Math.max(x, y);
    this.weak[keep] = this.weak[x] & this.weak[y];
    this.anchor[keep] = Math.max(this.anchor[x], this.anchor[y]);
    this.parent[gone] = keep;
    this.sums?.merge(keep, gone);
    this.size[keep] += this.size[gone];
    this.photos[keep] = union(this.photos[keep], this.photos[gone]);
    this.banned[keep] = union(this.banned[keep], this.banned[gone]);
    const [longer, shorter] =
      this.memberLists[keep].length >= this.memberLists[gone].length
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
