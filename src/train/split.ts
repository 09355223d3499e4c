// Train/test split by micrograph (never by pixel or particle, so test micrographs are unseen):
// either explicit test micrographs, or a seeded random fraction.
import { ConfigError } from '../errors.js';
import { micrographKey } from '../io/coords.js';
import { Random, shuffled } from '../random.js';

export interface Split {
  readonly train: readonly string[];
  readonly test: readonly string[];
}

/**
 * Splits micrograph names. Explicit `testMicrographs` (matched by name without folders or
 * extensions) win over `testFraction`. A fraction > 0 holds out round(fraction × n) micrographs,
 * at least one, while keeping at least one for training.
 * @throws ConfigError when an explicit test micrograph is unknown or nothing is left to train on.
 */
export function splitMicrographs(names: readonly string[], testFraction: number, testMicrographs: readonly string[], seed: number): Split {
  if (testMicrographs.length > 0) {
    const wanted = new Set(testMicrographs.map(micrographKey));
    const known = new Set(names.map(micrographKey));
    const missing = testMicrographs.filter((t) => !known.has(micrographKey(t)));
    if (missing.length > 0) {
      throw new ConfigError(missing.map((m) => ({ path: 'testMicrographs', message: `${m} is not among the training micrographs` })));
    }
    const test = names.filter((n) => wanted.has(micrographKey(n)));
    const train = names.filter((n) => !wanted.has(micrographKey(n)));
    if (train.length === 0) throw new ConfigError([{ path: 'testMicrographs', message: 'every micrograph is a test micrograph; nothing left to train on' }]);
    return { train, test };
  }
  if (testFraction <= 0 || names.length < 2) return { train: names.slice(), test: [] };
  const nTest = Math.min(names.length - 1, Math.max(1, Math.round(testFraction * names.length)));
  const order = shuffled(names, trainingRandom(seed + 42).next);
  const test = new Set(order.slice(0, nTest));
  return { train: names.filter((n) => !test.has(n)), test: names.filter((n) => test.has(n)) };
}

/** The stream a training run draws its split, batches and augmentations from (seed mixed with a constant). */
export function trainingRandom(seed: number): Random {
  return new Random((seed >>> 0) ^ 0x9e3779b9);
}
