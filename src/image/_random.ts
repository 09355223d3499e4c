// A small seeded pseudo-random generator (mulberry32) so pixel sampling for normalisation is
// reproducible: the same micrograph and parameters always give the same output.
import { mulberry32 } from '../random.js';

/** Returns a function giving uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/**
 * Draws exactly `count` of `values` without replacement, keeping their order (Knuth's selection
 * sampling: one pass, no index array, so it suits 16-megapixel micrographs).
 */
export function sampleWithoutReplacement(values: ArrayLike<number>, count: number, random: () => number): Float64Array {
  const n = values.length;
  const out = new Float64Array(count);
  let taken = 0;
  for (let i = 0; i < n && taken < count; i++) {
    if ((n - i) * random() < count - taken) out[taken++] = values[i]!;
  }
  return out;
}
