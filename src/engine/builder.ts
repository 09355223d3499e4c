// The graph builder: static-shape symbolic tensors (Var), raw ONNX node emission, parameters,
// constants and the tape that records differentiable ops for the backward pass.
import type { Attrs } from './attrs.js';
import type { OpAttrs, OpKind } from './op-kinds.js';

export type DType = 'float32' | 'int64' | 'bool';

/** A symbolic tensor in one graph: its ONNX value name, static shape and dtype. */
export class Var {
  constructor(
    readonly b: GraphBuilder,
    readonly name: string,
    readonly shape: readonly number[],
    readonly dtype: DType,
    /** True when the value depends on a trainable parameter through recorded ops. */
    readonly requiresGrad: boolean,
  ) {}
  get size(): number {
    return this.shape.reduce((a, c) => a * c, 1);
  }
  get rank(): number {
    return this.shape.length;
  }
}

export interface RawNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
  readonly domain?: string;
}

export interface Initializer {
  readonly name: string;
  readonly dtype: 'float32' | 'int64';
  readonly shape: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** One recorded differentiable op: what the gradient rule of `kind` needs. */
export interface TapeEntry<K extends OpKind = OpKind> {
  readonly kind: K;
  readonly inputs: readonly Var[];
  readonly output: Var;
  readonly attrs: OpAttrs[K];
}

export interface ParamDecl {
  readonly var: Var;
  readonly trainable: boolean;
}

/** Builds one ONNX graph with static shapes. Rebuild per batch shape (building is cheap). */
export class GraphBuilder {
  readonly nodes: RawNode[] = [];
  readonly inputs: Var[] = [];
  readonly params = new Map<string, ParamDecl>();
  readonly initializers = new Map<string, Initializer>();
  readonly tape: TapeEntry[] = [];
  /** New values of non-trainable state (BN running statistics), keyed by parameter name. */
  readonly stateUpdates = new Map<string, Var>();
  /** Static shape of every value emitted by a node (for FLOP counts and debugging). */
  readonly valueShapes = new Map<string, readonly number[]>();
  /** False while gradient nodes are emitted: nothing is recorded then. */
  recording = true;
  private counter = 0;
  private readonly constCache = new Map<string, Var>();
  private readonly names = new Set<string>();

  /** A fresh unique value name. */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.names.has(n));
    this.names.add(n);
    return n;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new RangeError(`graph value name "${name}" is already used`);
    this.names.add(name);
  }

  /** A data input of the graph (images, labels, weights, masks, scalars). */
  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Var {
    checkShape(shape, name);
    this.claim(name);
    const v = new Var(this, name, [...shape], dtype, false);
    this.inputs.push(v);
    return v;
  }

  /** A parameter (weights) or state tensor, fed from a ParamStore; trainable ones get gradients. */
  param(name: string, shape: readonly number[], trainable = true): Var {
    const prev = this.params.get(name);
    if (prev) {
      if (!sameShape(prev.var.shape, shape)) throw new RangeError(`parameter ${name} declared with shapes [${prev.var.shape}] and [${shape}]`);
      return prev.var;
    }
    checkShape(shape, name);
    this.claim(name);
    const v = new Var(this, name, [...shape], 'float32', trainable);
    this.params.set(name, { var: v, trainable });
    return v;
  }

  /** A float32 constant; small constants are shared by value. */
  constF(values: ArrayLike<number>, shape: readonly number[] = values.length === 1 ? [] : [values.length]): Var {
    return this.constant('float32', Float32Array.from(values), shape);
  }

  /** An int64 constant (shapes, axes, slice bounds). */
  constI(values: readonly number[], shape: readonly number[] = [values.length]): Var {
    return this.constant('int64', BigInt64Array.from(values.map((v) => BigInt(v))), shape);
  }

  private constant(dtype: 'float32' | 'int64', data: Float32Array | BigInt64Array, shape: readonly number[]): Var {
    const small = data.length <= 64;
    const key = small ? `${dtype}|${shape.join('x')}|${Array.from(data as ArrayLike<number | bigint>).join(',')}` : '';
    if (small) {
      const hit = this.constCache.get(key);
      if (hit) return hit;
    }
    const v = this.initializer(this.fresh('const'), data, shape, dtype);
    if (small) this.constCache.set(key, v);
    return v;
  }

  /** An initializer that is never shared with another (e.g. BN junk statistics, pitfall 1). */
  initializer(name: string, data: Float32Array | BigInt64Array, shape: readonly number[], dtype: 'float32' | 'int64' = 'float32'): Var {
    if (!this.names.has(name)) this.claim(name);
    const size = shape.reduce((a, c) => a * c, 1);
    if (data.length !== size) throw new RangeError(`initializer ${name}: ${data.length} values for shape [${shape}]`);
    this.initializers.set(name, { name, dtype, shape: [...shape], data });
    return new Var(this, name, [...shape], dtype, false);
  }

  /** Emits one raw ONNX node with a single output of the given shape. */
  emit(op: string, inputs: readonly (Var | null)[], attrs: Attrs, shape: readonly number[], dtype?: DType): Var {
    const [v] = this.emitN(op, inputs, attrs, [{ shape, dtype: dtype ?? firstDType(inputs) }]);
    return v as Var;
  }

  /** Emits one raw ONNX node with several outputs. */
  emitN(op: string, inputs: readonly (Var | null)[], attrs: Attrs, outs: readonly { shape: readonly number[]; dtype: DType }[], domain?: string): Var[] {
    const vars = outs.map((o) => new Var(this, this.fresh(op.toLowerCase()), [...o.shape], o.dtype, false));
    for (const v of vars) this.valueShapes.set(v.name, v.shape);
    const node: RawNode = {
      op,
      inputs: inputs.map((v) => (v ? v.name : '')),
      outputs: vars.map((v) => v.name),
      attrs,
      ...(domain !== undefined ? { domain } : {}),
    };
    this.nodes.push(node);
    return vars;
  }

  /** Records a differentiable op (when any input requires a gradient) and returns its output. */
  record<K extends OpKind>(kind: K, inputs: readonly Var[], output: Var, attrs: OpAttrs[K]): Var {
    if (!this.recording || !inputs.some((v) => v.requiresGrad)) return output;
    const out = new Var(this, output.name, output.shape, output.dtype, true);
    this.tape.push({ kind, inputs, output: out, attrs } as TapeEntry);
    return out;
  }

  /** Declares the new value of a state tensor (e.g. a BN running mean) for the train step. */
  setState(name: string, value: Var): void {
    const p = this.params.get(name);
    if (!p || p.trainable) throw new RangeError(`setState: ${name} is not a non-trainable parameter`);
    this.stateUpdates.set(name, value);
  }

  /** Runs fn with tape recording off (used while emitting gradient nodes). */
  untaped<T>(fn: () => T): T {
    const prev = this.recording;
    this.recording = false;
    try {
      return fn();
    } finally {
      this.recording = prev;
    }
  }
}

function firstDType(inputs: readonly (Var | null)[]): DType {
  for (const v of inputs) if (v) return v.dtype;
  return 'float32';
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function checkShape(shape: readonly number[], name: string): void {
  for (const d of shape) if (!Number.isInteger(d) || d <= 0) throw new RangeError(`${name}: shape [${shape}] must be positive integers`);
}
