// Parameter storage shared by every graph of a model (train step, evaluation, inference),
// with seedable initialisers (He/Kaiming, Xavier/Glorot, constants).
import type { GraphBuilder, Var } from './builder.js';
import { ShapeError } from '../errors.js';
import { Random } from '../random.js';

export type Init =
  | { readonly kind: 'he'; readonly fanIn: number }
  | { readonly kind: 'xavier'; readonly fanIn: number; readonly fanOut: number }
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'const'; readonly value: number };

/** Fills an array according to `init`: He normal std √(2/fanIn); Xavier uniform ±√(6/(in+out)). */
export function initialize(n: number, init: Init, rng: Random): Float32Array {
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
  readonly rng: Random;
  constructor(seed = 0) {
    this.rng = new Random((seed >>> 0) || 0x9e3779b9);
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
