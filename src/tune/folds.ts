// Micrograph-level folds for cross-validation: every micrograph is in exactly one fold, folds
// differ in size by at most one, and the assignment is reproducible from a seed.
import { Random, shuffled } from '../random.js';

/**
 * Splits micrograph keys into k folds (seeded shuffle, then round-robin). Duplicate keys are
 * merged first so a micrograph can never be in two folds. Throws RangeError when k < 2 or there are
 * fewer distinct micrographs than folds.
 */
export function assignFolds(micrographs: readonly string[], k: number, seed: number): string[][] {
  const unique = [...new Set(micrographs)].sort();
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`folds must be an integer >= 2, got ${k}`);
  if (unique.length < k) throw new RangeError(`${k} folds need at least ${k} micrographs, found ${unique.length}`);
  const order = shuffled(unique, Random.fromSeeds(seed, 0xf01d).next);
  const folds: string[][] = Array.from({ length: k }, () => []);
  order.forEach((m, i) => (folds[i % k] as string[]).push(m));
  return folds.map((f) => f.sort());
}

/** The values tried by cross-validation: initial + j·increment for j = 0 … count−1. */
export function cvValues(initial: number, increment: number, count: number): number[] {
  // rounding to 12 significant digits keeps 0.0001 + 2·0.0001 printable as 0.0003
  return Array.from({ length: count }, (_, j) => Number((initial + j * increment).toPrecision(12)));
}
