// Elementwise ops with NumPy broadcasting: arithmetic, activations and their raw helpers.
// PReLU is emitted as Max(x, a·x) because ORT's PRelu kernel is ~10× slower (engine-onnx.md §3).
import { F } from '../attrs.js';
import type { GraphBuilder, Var } from '../builder.js';
import { ShapeError } from '../../errors.js';

/** A tensor or a plain number (a float32 scalar constant). */
export type Operand = Var | number;

/** NumPy broadcasting of two static shapes. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(`cannot broadcast shapes [${a}] and [${b}]`);
    out.push(Math.max(da, db));
  }
  return out;
}

function lift2(a: Operand, b: Operand): [Var, Var] {
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError('at least one operand must be a Var');
  const g: GraphBuilder = typeof a === 'number' ? (b as Var).b : a.b;
  return [typeof a === 'number' ? g.constF([a], []) : a, typeof b === 'number' ? g.constF([b], []) : b];
}

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max', kind: 'add' | 'sub' | 'mul' | 'div' | 'maximum', a: Operand, b: Operand): Var {
  const [x, y] = lift2(a, b);
  const out = x.b.emit(op, [x, y], {}, broadcastShape(x.shape, y.shape));
  return x.b.record(kind, [x, y], out, {});
}

export const add = (a: Operand, b: Operand): Var => binary('Add', 'add', a, b);
export const sub = (a: Operand, b: Operand): Var => binary('Sub', 'sub', a, b);
export const mul = (a: Operand, b: Operand): Var => binary('Mul', 'mul', a, b);
export const div = (a: Operand, b: Operand): Var => binary('Div', 'div', a, b);
/** Elementwise maximum; the gradient goes to `a` where a ≥ b, else to `b`. */
export const maximum = (a: Operand, b: Operand): Var => binary('Max', 'maximum', a, b);
/** -x. */
export const neg = (x: Var): Var => mul(x, -1);

type UnaryKind = 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'exp' | 'log' | 'sqrt';
const UNARY_OP: Record<UnaryKind, string> = {
  relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softplus: 'Softplus', exp: 'Exp', log: 'Log', sqrt: 'Sqrt',
};
function unary(kind: UnaryKind, x: Var): Var {
  return x.b.record(kind, [x], x.b.emit(UNARY_OP[kind], [x], {}, x.shape), {});
}

export const relu = (x: Var): Var => unary('relu', x);
export const sigmoid = (x: Var): Var => unary('sigmoid', x);
export const tanh = (x: Var): Var => unary('tanh', x);
/** log(1 + eˣ), numerically stable in ORT for large |x|. */
export const softplus = (x: Var): Var => unary('softplus', x);
export const exp = (x: Var): Var => unary('exp', x);
export const log = (x: Var): Var => unary('log', x);
export const sqrt = (x: Var): Var => unary('sqrt', x);

/** LeakyReLU with a fixed negative slope alpha. */
export function leakyRelu(x: Var, alpha = 0.01): Var {
  const out = x.b.emit('LeakyRelu', [x], { alpha: F(alpha) }, x.shape);
  return x.b.record('leakyRelu', [x], out, { alpha });
}

/** PReLU with a learned slope `a` (broadcast against x, e.g. [1] or [1,C,1,1]); exact for 0 ≤ a ≤ 1. */
export function prelu(x: Var, a: Var): Var {
  const g = x.b;
  const ax = g.emit('Mul', [a, x], {}, broadcastShape(a.shape, x.shape));
  const out = g.emit('Max', [x, ax], {}, ax.shape);
  return g.record('prelu', [x, a], out, {});
}

/** Clamps to [min, max] (use ±Infinity for a one-sided clamp). */
export function clamp(x: Var, min: number, max: number): Var {
  const g = x.b;
  const lo = Number.isFinite(min) ? g.constF([min], []) : null;
  const hi = Number.isFinite(max) ? g.constF([max], []) : null;
  const out = g.emit('Clip', [x, lo, hi], {}, x.shape);
  return g.record('clamp', [x], out, { min, max });
}

/** Non-differentiable raw ops (used by gradient rules and masks). */
export const raw = {
  sign: (x: Var): Var => x.b.emit('Sign', [x], {}, x.shape),
  min: (a: Var, b: Var): Var => a.b.emit('Min', [a, b], {}, broadcastShape(a.shape, b.shape)),
  max: (a: Var, b: Var): Var => a.b.emit('Max', [a, b], {}, broadcastShape(a.shape, b.shape)),
  /** 1.0 where a > b, else 0.0. */
  greater: (a: Var, b: Var): Var => toFloat(a.b.emit('Greater', [a, b], {}, broadcastShape(a.shape, b.shape), 'bool')),
  /** 1.0 where a ≥ b, else 0.0. */
  greaterOrEqual: (a: Var, b: Var): Var => toFloat(a.b.emit('GreaterOrEqual', [a, b], {}, broadcastShape(a.shape, b.shape), 'bool')),
  /** 1.0 where a < b, else 0.0. */
  less: (a: Var, b: Var): Var => toFloat(a.b.emit('Less', [a, b], {}, broadcastShape(a.shape, b.shape), 'bool')),
  /** 1.0 where a == b, else 0.0. */
  equal: (a: Var, b: Var): Var => toFloat(a.b.emit('Equal', [a, b], {}, broadcastShape(a.shape, b.shape), 'bool')),
};

/** Casts a bool or int tensor to float32. */
export function toFloat(x: Var): Var {
  return x.b.emit('Cast', [x], { to: { kind: 'int', value: 1 } }, x.shape, 'float32');
}
