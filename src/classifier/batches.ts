// Class-balanced batches and training-time augmentation: per epoch every class's items are
// shuffled and interleaved round-robin, so any batch of ≥ K items holds every class equally.
// Signals: each training example also appears squished (1−u) and expanded (1+u), u ~ U(0, 0.2),
// resampled linearly and re-centred (Capfinder's time warp); crops: rotated by 90°, 180°, 270°.
import { shuffled } from '../random.js';
import type { DatasetSplit } from './dataset-store.js';
import { fitLength } from './signal-csv.js';

/** One batch entry: which item, and which augmented copy (0 = the original). */
export interface BatchEntry { readonly index: number; readonly variant: number }

export type Augmentation = 'none' | 'time-warp' | 'rotations';

/** Copies per item an augmentation adds (original included). */
export const variantsOf = (a: Augmentation): number => (a === 'none' ? 1 : a === 'time-warp' ? 3 : 4);

/** The batches of one epoch (the remainder that does not fill a batch is dropped, as Capfinder). */
export function balancedEpoch(labels: Uint8Array, classes: number, batch: number, variants: number, uniform: () => number): BatchEntry[][] {
  const perClass: BatchEntry[][] = Array.from({ length: classes }, () => []);
  labels.forEach((l, index) => { for (let v = 0; v < variants; v++) perClass[l]?.push({ index, variant: v }); });
  const lists = perClass.map((l) => shuffled(l, uniform));
  const order: BatchEntry[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) order.push(l[i] as BatchEntry);
  const out: BatchEntry[][] = [];
  for (let i = 0; i + batch <= order.length; i += batch) out.push(order.slice(i, i + batch));
  return out;
}

/** Resamples a series to ⌊T·factor⌋ points (linear) and centre-pads or centre-crops back to T. */
export function timeWarp(item: Float32Array, factor: number, out: Float32Array = new Float32Array(item.length)): Float32Array {
  const T = item.length;
  const m = Math.max(2, Math.floor(T * factor));
  const r = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const x = (i * (T - 1)) / (m - 1);
    const j = Math.min(Math.floor(x), T - 2);
    r[i] = (item[j] as number) * (1 - (x - j)) + (item[j + 1] as number) * (x - j);
  }
  return fitLength(r, T, out);
}

/** Rotates a square crop by `quarter` × 90° counter-clockwise. */
export function rotateSquare(item: Float32Array, side: number, quarter: number): Float32Array {
  const out = new Float32Array(item.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const [sx, sy] = quarter % 4 === 1 ? [side - 1 - y, x] : quarter % 4 === 2 ? [side - 1 - x, side - 1 - y] : quarter % 4 === 3 ? [y, side - 1 - x] : [x, y];
      out[y * side + x] = item[sy * side + sx] as number;
    }
  }
  return out;
}

/** Fills x ([B, itemSize]) and one-hot y ([B, K]) for a batch, applying each entry's augmentation. */
export function fillBatch(split: DatasetSplit, entries: readonly BatchEntry[], x: Float32Array, y: Float32Array, classes: number,
  augmentation: Augmentation, uniform: () => number, side = 0): void {
  const size = split.itemSize;
  const item = new Float32Array(size);
  y.fill(0);
  entries.forEach((e, i) => {
    split.read(e.index, item);
    let v: Float32Array = item;
    if (e.variant > 0 && augmentation === 'time-warp') v = timeWarp(item, e.variant === 1 ? 1 - 0.2 * uniform() : 1 + 0.2 * uniform());
    else if (e.variant > 0 && augmentation === 'rotations') v = rotateSquare(item, side, e.variant);
    x.set(v, i * size);
    y[i * classes + (split.labels[e.index] as number)] = 1;
  });
}
