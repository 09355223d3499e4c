// Parameter storage shared by every graph of a model (train step, evaluation, inference),
// with seedable initialisers (He/Kaiming, Xavier/Glorot, constants).
import type { GraphBuilder, Var } from './builder.js';
import { ShapeError } from '../errors.js';

/** A small deterministic PRNG (mulberry32) with a normal sampler. */
export class Rng {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box–Muller). */
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
}

export type Init =
  | { readonly kind: 'he'; readonly fanIn: number }
  | { readonly kind: 'xavier'; readonly fanIn: number; readonly fanOut: number }
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'const'; readonly value: number };

/** Fills an array according to `init`: He normal std √(2/fanIn); Xavier uniform ±√(6/(in+out)). */
export function initialize(n: number, init: Init, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  switch (init.kind) {
    case 'he': {
      const std = Math.sqrt(2 / init.fanIn);
      for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
      break;
    }
    case 'xavier': {
      const bound = Math.sqrt(6 / (init.fanIn + init.fanOut));
      for (let i = 0; i < n; i++) a[i] = (2 * rng.next() - 1) * bound;
      break;
    }
    case 'uniform':
      for (let i = 0; i < n; i++) a[i] = (2 * rng.next() - 1) * init.bound;
      break;
    case 'const':
      a.fill(init.value);
      break;
    default: {
      const never: never = init;
      throw new Error(`unknown init ${String(never)}`);
    }
  }
  return a;
}

export interface ParamEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Current value; replaced (not mutated) by each train step. */
  data: Float32Array;
  /** False for state such as BN running statistics. */
  readonly trainable: boolean;
}

/** Named parameter and state tensors of one model. */
export class ParamStore {
  readonly entries = new Map<string, ParamEntry>();
  readonly rng: Rng;
  constructor(seed = 0) {
    this.rng = new Rng(seed);
  }

  /** Adds a tensor initialised by `init` (or returns the existing one with the same shape). */
  add(name: string, shape: readonly number[], init: Init, trainable = true): ParamEntry {
    const prev = this.entries.get(name);
    if (prev) {
      if (prev.shape.join() !== shape.join()) throw new ShapeError(`parameter ${name} exists with shape [${prev.shape}], not [${shape}]`);
      return prev;
    }
    const n = shape.reduce((a, c) => a * c, 1);
    const e: ParamEntry = { name, shape: [...shape], data: initialize(n, init, this.rng), trainable };
    this.entries.set(name, e);
    return e;
  }

  /** Declares the tensor `name` in graph b (it must exist here). */
  use(b: GraphBuilder, name: string): Var {
    const e = this.entries.get(name);
    if (!e) throw new RangeError(`unknown parameter ${name}`);
    return b.param(name, e.shape, e.trainable);
  }

  /** Adds (if new) and declares in one call. */
  declare(b: GraphBuilder, name: string, shape: readonly number[], init: Init, trainable = true): Var {
    this.add(name, shape, init, trainable);
    return this.use(b, name);
  }

  /** Current values by name. */
  values(): Map<string, Float32Array> {
    return new Map([...this.entries].map(([k, e]) => [k, e.data]));
  }

  /** Replaces values from a name → array map; shapes must match. */
  load(values: ReadonlyMap<string, Float32Array>, strict = true): void {
    for (const [name, e] of this.entries) {
      const v = values.get(name);
      if (!v) {
        if (strict) throw new ShapeError(`missing value for parameter ${name}`);
        continue;
      }
      if (v.length !== e.data.length) throw new ShapeError(`parameter ${name}: ${v.length} values, expected ${e.data.length}`);
      e.data = Float32Array.from(v);
    }
  }

  /** Number of trainable scalars. */
  countTrainable(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.trainable) n += e.data.length;
    return n;
  }
}
