/** A candidate box with its score: [x1, y1, x2, y2]. */
export interface ScoredBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

/**
 * Greedy non-maximum suppression; returns the kept indices, best first.
 * 'union': IoU with areas (x2-x1)(y2-y1), as torchvision's nms. 'min': intersection over the smaller area
 * with the +1 pixel convention, as MTCNN's final step.
 */
export function nms(boxes: ScoredBox[], threshold: number, method: 'union' | 'min' = 'union'): number[] {
  const plus = method === 'min' ? 1 : 0;
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[b].score - boxes[a].score || a - b);
  const area = boxes.map((b) => (b.x2 - b.x1 + plus) * (b.y2 - b.y1 + plus));
  const suppressed = new Uint8Array(boxes.length);
  const keep: number[] = [];
  for (let oi = 0; oi < order.length; oi++) {
    const i = order[oi];
    if (suppressed[i]) continue;
    keep.push(i);
    const a = boxes[i];
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj];
      if (suppressed[j]) continue;
      const b = boxes[j];
      const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + plus);
      const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + plus);
      const inter = w * h;
      const overlap = method === 'min' ? inter / Math.min(area[i], area[j]) : inter / (area[i] + area[j] - inter);
      if (overlap > threshold) suppressed[j] = 1;
    }
  }
  return keep;
}

/** Grows a box to the square of its longer side, about the same centre. */
export function square<T extends ScoredBox>(box: T): T {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const side = Math.max(w, h);
  const x1 = box.x1 + w * 0.5 - side * 0.5;
  const y1 = box.y1 + h * 0.5 - side * 0.5;
  return { ...box, x1, y1, x2: x1 + side, y2: y1 + side };
}
