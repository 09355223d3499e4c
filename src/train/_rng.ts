// A small seedable random number generator (mulberry32) for the samplers and the data split,
// so a training run is repeatable from its seed.

import { mulberry32Stream, shuffled as shuffleWith } from '../random.js';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The generator's 32-bit state (saved in checkpoints), and restoring it. */
  getState(): number;
  setState(state: number): void;
}

export function makeRng(seed: number): Rng {
  const stream = mulberry32Stream((seed >>> 0) ^ 0x9e3779b9);
  const next = stream.next;
  return { next, int: (n: number) => Math.floor(next() * n), getState: stream.getState, setState: stream.setState };
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  return shuffleWith(items, rng.next);
}
