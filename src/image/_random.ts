// A small seeded pseudo-random generator (mulberry32) so pixel sampling for normalisation is
// reproducible: the same micrograph and parameters always give the same output.

/** Returns a function giving uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
