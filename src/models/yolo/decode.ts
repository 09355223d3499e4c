// Decoding the YOLO head into boxes, and non-maximum suppression on boxes (IoU), crYOLO's way of
// removing duplicate detections.
import { HEAD_CHANNELS } from './spec.js';

/** A detected box in network-input pixels (pixel-centre convention), with its confidence in [0, 1]. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly score: number;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Every cell of one image's head ([6, g_h, g_w] raw values) as a box: centre = (cell + σ(t)) ·
 * stride, size = anchor · exp(t), score = σ(confidence). Cells whose score is below `minScore`
 * are skipped; boxes centred outside `width` × `height` (the padding) too.
 */
export function decodeHead(head: Float32Array, gw: number, gh: number, stride: number, anchor: number, width: number, height: number, minScore = 0): Box[] {
  const plane = gw * gh;
  if (head.length !== HEAD_CHANNELS * plane) throw new RangeError(`head has ${head.length} values, expected ${HEAD_CHANNELS}×${gh}×${gw}`);
  const out: Box[] = [];
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      const c = i * gw + j;
      const score = sigmoid(head[4 * plane + c] as number);
      if (score < minScore) continue;
      const x = (j + sigmoid(head[c] as number)) * stride - 0.5;
      const y = (i + sigmoid(head[plane + c] as number)) * stride - 0.5;
      if (x < -0.5 || y < -0.5 || x >= width - 0.5 || y >= height - 0.5) continue;
      const w = anchor * Math.exp(Math.min(8, head[2 * plane + c] as number));
      const h = anchor * Math.exp(Math.min(8, head[3 * plane + c] as number));
      out.push({ x, y, w, h, score });
    }
  }
  return out;
}

/** Intersection over union of two centre-size boxes. */
export function iou(a: Pick<Box, 'x' | 'y' | 'w' | 'h'>, b: Pick<Box, 'x' | 'y' | 'w' | 'h'>): number {
  const ix = Math.min(a.x + a.w / 2, b.x + b.w / 2) - Math.max(a.x - a.w / 2, b.x - b.w / 2);
  const iy = Math.min(a.y + a.h / 2, b.y + b.h / 2) - Math.max(a.y - a.h / 2, b.y - b.h / 2);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

/** Greedy NMS: boxes in descending score, each dropped when its IoU with a kept box exceeds `maxIou`. */
export function boxNms(boxes: readonly Box[], maxIou: number): Box[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: Box[] = [];
  // Bucket kept boxes on a grid as coarse as the largest box: overlapping boxes are neighbours.
  const cell = Math.max(1, ...sorted.map((b) => Math.max(b.w, b.h)));
  const buckets = new Map<string, Box[]>();
  const key = (x: number, y: number): string => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
  for (const b of sorted) {
    const cx = Math.floor(b.x / cell);
    const cy = Math.floor(b.y / cell);
    let clash = false;
    for (let dy = -1; dy <= 1 && !clash; dy++) {
      for (let dx = -1; dx <= 1 && !clash; dx++) {
        for (const k of buckets.get(`${cx + dx},${cy + dy}`) ?? []) if (iou(b, k) > maxIou) { clash = true; break; }
      }
    }
    if (clash) continue;
    kept.push(b);
    const k = key(b.x, b.y);
    const list = buckets.get(k) ?? [];
    list.push(b);
    buckets.set(k, list);
  }
  return kept;
}
