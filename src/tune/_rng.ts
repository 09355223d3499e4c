// A small seeded PRNG (mulberry32) so that searches, folds and hyperband brackets are
// reproducible from a seed and can be replayed exactly when a search resumes.

import { mulberry32 } from '../random.js';

/** A uniform [0, 1) generator; same seed → same sequence. */
export type Rng = () => number;

/** mulberry32 seeded with any number of integers (mixed with a 32-bit hash). */
export function createRng(...seeds: readonly number[]): Rng {
  let h = 0x9e3779b9;
  for (const s of seeds) {
    h = Math.imul(h ^ (s | 0), 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h ^ Math.floor(s / 4294967296), 0xc2b2ae35) >>> 0;
  }
  return mulberry32(h);
}

/** Fisher–Yates shuffle into a new array. */
export { shuffled } from '../random.js';
