// MatMul/Gemm, dropout (fresh mask each run via Less(RandomUniformLike, keep): Bernoulli is
// inverted in this ORT build, pitfall 3), softmax and log-softmax.
import { F, I } from '../attrs.js';
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';
import { broadcastShape, mul, raw } from './elementwise.js';

/** Batched matrix product with NumPy broadcasting of the batch axes (both operands rank ≥ 2). */
export function matmul(a: Var, b: Var): Var {
  if (a.rank < 2 || b.rank < 2) throw new ShapeError(`matmul needs rank ≥ 2, got [${a.shape}] and [${b.shape}]`);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) throw new ShapeError(`matmul: inner sizes differ, [${a.shape}] @ [${b.shape}]`);
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const y = a.b.emit('MatMul', [a, b], {}, [...batch, m, n]);
  return a.b.record('matmul', [a, b], y, {});
}

/** Dense layer y = x·Wᵀ + bias (transB) or x·W + bias; x [M, K], bias [N]. */
export function gemm(x: Var, w: Var, bias: Var | null = null, transB = true): Var {
  if (x.rank !== 2 || w.rank !== 2) throw new ShapeError(`gemm needs 2D operands, got [${x.shape}] and [${w.shape}]`);
  const k = x.shape[1];
  const n = (transB ? w.shape[0] : w.shape[1]) as number;
  if ((transB ? w.shape[1] : w.shape[0]) !== k) throw new ShapeError(`gemm: x [${x.shape}] does not fit w [${w.shape}] (transB ${transB})`);
  const inputs = bias ? [x, w, bias] : [x, w];
  const y = x.b.emit('Gemm', inputs, { transB: I(transB ? 1 : 0) }, [x.shape[0] as number, n]);
  return x.b.record('gemm', inputs, y, { transB });
}

/**
 * Training-mode dropout: zeroes each element with probability p and scales the rest by 1/(1-p).
 * The uniform draws come from ONNX RandomUniformLike (its generator restarts with each session),
 * or from `noise`, a fed tensor of x's shape, when every step's masks must be reproducible.
 */
export function dropout(x: Var, p: number, training: boolean, seed?: number, noise?: Var): Var {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout probability must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const g = x.b;
  const keep = 1 - p;
  if (noise && noise.shape.join() !== x.shape.join()) throw new RangeError(`dropout noise has shape [${noise.shape}], expected [${x.shape}]`);
  const u = noise ?? g.emit('RandomUniformLike', [x], seed === undefined ? {} : { seed: F(seed) }, x.shape);
  const mask = mul(raw.less(u, g.constF([keep], [])), 1 / keep);
  const y = g.emit('Mul', [x, mask], {}, x.shape);
  return g.record('dropout', [x], y, { keep, mask });
}

/** Softmax along `axis`. */
export function softmax(x: Var, axis = -1): Var {
  const ax = axis < 0 ? axis + x.rank : axis;
  const y = x.b.emit('Softmax', [x], { axis: I(ax) }, x.shape);
  return x.b.record('softmax', [x], y, { axis: ax });
}

/** log(softmax(x)) along `axis`, computed stably by ONNX LogSoftmax (the base of cross-entropy). */
export function logSoftmax(x: Var, axis = -1): Var {
  const ax = axis < 0 ? axis + x.rank : axis;
  const y = x.b.emit('LogSoftmax', [x], { axis: I(ax) }, x.shape);
  return x.b.record('logSoftmax', [x], y, { axis: ax });
}
