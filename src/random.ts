// The one seedable uniform generator (mulberry32) shared by every area, so that weight
// initialisation, sampling, splits, searches and normalisation are repeatable from their seeds.
// (The simulator draws from its own xoshiro128** streams, sim/_random.ts, so simulated datasets
// stay identical across versions.)

/** A mulberry32 stream: uniform, integer and normal draws; its 32-bit state can be saved and restored. */
export class Random {
  private state: number;
  private spare: number | undefined;

  /** A stream from a 32-bit seed (`seed >>> 0`). */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream seeded with any number of integers, mixed with a 32-bit hash (e.g. seed, trial, attempt). */
  static fromSeeds(...seeds: readonly number[]): Random {
    let h = 0x9e3779b9;
    for (const s of seeds) {
      h = Math.imul(h ^ (s | 0), 0x85ebca6b);
      h = (h ^ (h >>> 13)) >>> 0;
      h = Math.imul(h ^ Math.floor(s / 4294967296), 0xc2b2ae35) >>> 0;
    }
    return new Random(h);
  }

  /** Uniform in [0, 1); a bound function, so it can be handed out as `() => number`. */
  readonly next = (): number => {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** The 32-bit state (saved in training checkpoints). */
  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state >>> 0;
  }
}

/** Fisher–Yates shuffle of a copy of `items`, drawing from `uniform` (numbers in [0, 1)). */
export function shuffled<T>(items: readonly T[], uniform: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
}
