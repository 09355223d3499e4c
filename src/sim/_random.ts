// Seedable pseudo-random streams for the simulator only (everything else draws from src/random.ts):
// xoshiro128** seeded through splitmix32,
// Box–Muller normals, and sub-streams derived from (seed, label) so results never depend on order.
import { shuffled } from '../random.js';

/** splitmix32 step: a well-mixed 32-bit hash of a 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit hash of a string (FNV-1a, then mixed). Used to derive named sub-streams. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h >>> 0);
}

/** Deterministic pseudo-random generator (xoshiro128**); never touches Math.random. */
export class SimRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** `seed` is any finite number (its low 53 bits are used); `label` names a sub-stream. */
  constructor(seed: number, label = '') {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const lo = Math.floor(seed) >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let st = splitmix32(lo ^ splitmix32(hi ^ hashString(label)));
    st = splitmix32(st);
    this.s0 = st;
    st = splitmix32(st);
    this.s1 = st;
    st = splitmix32(st);
    this.s2 = st;
    st = splitmix32(st);
    this.s3 = st | 1; // never all-zero
    this.spareNormal = undefined;
  }

  /** A new independent generator for the named sub-stream of this one's current state. */
  fork(label: string): SimRandom {
    return new SimRandom(this.nextUint32() + this.nextUint32() * 2097152, label);
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = this.uniform();
    while (u <= 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Poisson-distributed count with the given mean (Knuth for small means, normal above 30). */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Fills `out` with independent standard normals. */
  fillNormal(out: Float32Array | Float64Array): void {
    let i = 0;
    if (this.spareNormal !== undefined && out.length > 0) out[i++] = this.normal();
    for (; i + 1 < out.length; i += 2) {
      const u = (this.nextUint32() + 1) / 4294967297; // (0, 1): log never sees 0
      const v = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      out[i] = r * Math.cos(2 * Math.PI * v);
      out[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    if (i < out.length) out[i] = this.normal();
  }

  /** Fisher–Yates shuffle of a copy of `items`. */
  shuffled<T>(items: readonly T[]): T[] {
    return shuffled(items, () => this.uniform());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
