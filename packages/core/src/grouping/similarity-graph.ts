import { topK } from '@facegroup/native-align';
import type { NativeDevice } from '../native-device.js';
import type { ClusterSet } from './cluster-set.js';
import type { GroupingFace } from './group-faces.js';

/** Edges from each face in `rows` to its nearest neighbours among all faces, each unordered pair once. */
export function addSimilarityEdges(
  clusters: ClusterSet,
  faces: GroupingFace[],
  rows: number[],
  neighbours: number,
  device: NativeDevice = 'cpu',
): void {
  const n = faces.length;
  const k = Math.min(neighbours + 1, n); // +1: a face finds itself first
  if (k <= 1 || rows.length === 0) return;
  const dim = faces[0].embedding.length;
  const all = new Float32Array(n * dim);
  faces.forEach((face, i) => {
    if (face.embedding.length !== dim)
      throw new Error(`face ${face.id} has a ${face.embedding.length}-d embedding, others ${dim}-d`);
    all.set(face.embedding, i * dim);
  });
  const query = rows.length === n ? all : new Float32Array(rows.length * dim);
  if (query !== all) rows.forEach((i, r) => query.set(faces[i].embedding, r * dim));
  const { indices, scores } = topK(query, all, dim, k, { device });
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

/** Each vector's nearest `neighbours` among the others (unit vectors, by cosine), each unordered pair once. */
export function nearestPairs(vectors: Float32Array[], neighbours: number): [number, number][] {
  const n = vectors.length;
  const k = Math.min(neighbours + 1, n);
  if (k <= 1) return [];
  const dim = vectors[0].length;
  const all = new Float32Array(n * dim);
  vectors.forEach((vector, i) => all.set(vector, i * dim));
  const { indices } = topK(all, all, dim, k);
  const pairs = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const j = indices[i * k + c];
      if (j < 0 || j === i) continue;
      const pair: [number, number] = i < j ? [i, j] : [j, i];
      pairs.set(`${pair[0]},${pair[1]}`, pair);
    }
  }
  return [...pairs.values()];
}
