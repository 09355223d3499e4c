// Pixel sampling for normalisation, drawn from a seeded generator (src/random.ts) so the same
// micrograph and parameters always give the same output.

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
