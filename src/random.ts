// The one seedable uniform generator (mulberry32) shared by every area, so that sampling,
// splits, searches and simulations are repeatable from their seeds.

/** A mulberry32 stream whose 32-bit state can be read and set, so a run can resume exactly. */
export interface Mulberry32Stream {
  next(): number;
  getState(): number;
  setState(state: number): void;
}

/** A mulberry32 stream from a 32-bit seed. */
export function mulberry32Stream(seed: number): Mulberry32Stream {
  let s = seed >>> 0;
  return {
    next: () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    getState: () => s,
    setState: (state: number) => { s = state >>> 0; },
  };
}

/** Returns a function giving uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function mulberry32(seed: number): () => number {
  return mulberry32Stream(seed).next;
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
