// Reductions (sum, mean) and broadcasting helpers used by gradient rules.
import { I, Is } from '../attrs.js';
import type { Var } from '../builder.js';
import { sameShape } from '../builder.js';
import { reshape } from './shape.js';

function normAxes(x: Var, axes: readonly number[] | undefined): number[] {
  const all = x.shape.map((_, i) => i);
  if (axes === undefined) return all;
  const out = axes.map((a) => (a < 0 ? a + x.rank : a));
  for (const a of out) if (a < 0 || a >= x.rank) throw new RangeError(`axis ${a} out of range for rank ${x.rank}`);
  return [...new Set(out)].sort((p, q) => p - q);
}

function reducedShape(x: Var, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Sum over `axes` (default: all axes, giving a scalar). */
export function reduceSum(x: Var, axes?: readonly number[], keepDims = false): Var {
  const ax = normAxes(x, axes);
  const out = x.b.emit('ReduceSum', [x, x.b.constI(ax)], { keepdims: I(keepDims ? 1 : 0) }, reducedShape(x, ax, keepDims));
  return x.b.record('reduceSum', [x], out, { axes: ax, keepDims });
}

/** Mean over `axes` (default: all axes, giving a scalar). */
export function reduceMean(x: Var, axes?: readonly number[], keepDims = false): Var {
  const ax = normAxes(x, axes);
  const out = x.b.emit('ReduceMean', [x], { axes: Is(ax), keepdims: I(keepDims ? 1 : 0) }, reducedShape(x, ax, keepDims));
  return x.b.record('reduceMean', [x], out, { axes: ax, keepDims });
}

/** Sums a broadcast result back down to `shape` (the adjoint of broadcasting). */
export function sumToShape(x: Var, shape: readonly number[]): Var {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? reduceSum(x, axes, true) : x;
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}

/** Broadcasts x to `shape` (raw Expand). */
export function expandTo(x: Var, shape: readonly number[]): Var {
  if (sameShape(x.shape, shape)) return x;
  return x.b.emit('Expand', [x, x.b.constI([...shape])], {}, shape);
}

/** Sum of squares of all elements (raw, scalar). */
export function sumSquares(x: Var): Var {
  return x.b.emit('ReduceSumSquare', [x], { keepdims: I(0) }, []);
}
