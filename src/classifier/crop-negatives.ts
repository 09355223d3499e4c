// DeepPicker's negative sampling for the particle-crop classifier: background windows drawn at
// random positions at least min_distance × the window size away from every labelled pick (any
// class) and whole inside the micrograph, seeded per micrograph so a dataset is reproducible.
import { Random } from '../random.js';

export interface NegativeSamplingParams {
  /** Class name of the sampled windows. */
  readonly class: string;
  /** Windows per micrograph; null = as many as the micrograph has labelled picks. */
  readonly per_micrograph: number | null;
  /** Smallest distance to any pick, as a fraction of the window (box) size (DeepPicker 0.6). */
  readonly min_distance: number;
}

export interface Point { readonly x: number; readonly y: number }

/**
 * Up to `count` points in [margin, width − margin) × [margin, height − margin) farther than
 * `minDistance` from every point of `avoid` and from each other's duplicates (rejection sampling
 * over a bucket grid; gives fewer when the free area is too small after 200 tries per point).
 */
export function sampleNegativePoints(avoid: readonly Point[], width: number, height: number, count: number,
  minDistance: number, margin: number, rng: Random): Point[] {
  const out: Point[] = [];
  const spanX = width - 2 * margin;
  const spanY = height - 2 * margin;
  if (count <= 0 || spanX <= 0 || spanY <= 0) return out;
  const cell = Math.max(1, minDistance);
  const cols = Math.ceil(width / cell) + 1;
  const buckets = new Map<number, Point[]>();
  for (const p of avoid) {
    const k = Math.floor(p.y / cell) * cols + Math.floor(p.x / cell);
    const b = buckets.get(k);
    if (b) b.push(p); else buckets.set(k, [p]);
  }
  const d2 = minDistance * minDistance;
  const free = (x: number, y: number): boolean => {
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const p of buckets.get((cy + dy) * cols + cx + dx) ?? []) if ((p.x - x) ** 2 + (p.y - y) ** 2 < d2) return false;
      }
    }
    return true;
  };
  for (let tries = 0; out.length < count && tries < 200 * count; tries++) {
    const x = Math.round(margin + rng.next() * spanX);
    const y = Math.round(margin + rng.next() * spanY);
    if (free(x, y)) out.push({ x, y });
  }
  return out;
}

/** The stream of one micrograph's negative windows: the dataset seed and a hash of the micrograph's name. */
export function negativeRandom(seed: number, micrograph: string): Random {
  let h = 2166136261;
  for (let i = 0; i < micrograph.length; i++) h = Math.imul(h ^ micrograph.charCodeAt(i), 16777619);
  return Random.fromSeeds(seed, h >>> 0);
}

/** The sampled negatives of one micrograph (original pixels) for a crop dataset. */
export function micrographNegatives(picks: readonly Point[], width: number, height: number, n: NegativeSamplingParams,
  boxSize: number, downsample: number, seed: number, micrograph: string): Point[] {
  const count = n.per_micrograph ?? picks.length;
  const window = boxSize * downsample;
  return sampleNegativePoints(picks, width, height, count, n.min_distance * window, window / 2, negativeRandom(seed, micrograph));
}
