// Matmul-based attention from recorded ops: scaled dot-product attention, multi-head
// self-attention (Keras MultiHeadAttention layout) and additive attention pooling over time.
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';
import { add, mul, tanh } from './elementwise.js';
import { matmul, softmax } from './misc.js';
import { reduceSum } from './reduce.js';
import { reshape, transpose } from './shape.js';

/** softmax(q·kᵀ/√d)·v for q [.., Tq, d], k [.., Tk, d], v [.., Tk, dv]. */
export function scaledDotProductAttention(q: Var, k: Var, v: Var): Var {
  const d = q.shape[q.rank - 1] as number;
  const perm = k.shape.map((_, i) => i);
  perm[k.rank - 1] = k.rank - 2;
  perm[k.rank - 2] = k.rank - 1;
  const scores = mul(matmul(q, transpose(k, perm)), 1 / Math.sqrt(d));
  return matmul(softmax(scores, -1), v);
}

export interface MultiHeadWeights {
  /** [D, heads·headSize] each. */
  readonly query: Var;
  readonly key: Var;
  readonly value: Var;
  /** [heads·headSize, D]. */
  readonly output: Var;
  /** [heads·headSize] ×3 and [D]. */
  readonly queryBias: Var;
  readonly keyBias: Var;
  readonly valueBias: Var;
  readonly outputBias: Var;
}

/** Multi-head self-attention over x [N, T, D] with `heads` heads; returns [N, T, D]. */
export function multiHeadSelfAttention(x: Var, w: MultiHeadWeights, heads: number): Var {
  if (x.rank !== 3) throw new ShapeError(`attention: input [${x.shape}] must be [N, T, D]`);
  const [n, t, d] = x.shape as [number, number, number];
  const hd = w.query.shape[1] as number;
  if (hd % heads !== 0 || w.query.shape[0] !== d) throw new ShapeError(`attention: query weights [${w.query.shape}] do not fit D ${d} and ${heads} heads`);
  const size = hd / heads;
  const flat = reshape(x, [n * t, d]);
  const project = (m: Var, bias: Var): Var => transpose(reshape(add(matmul(flat, m), bias), [n, t, heads, size]), [0, 2, 1, 3]);
  const att = scaledDotProductAttention(project(w.query, w.queryBias), project(w.key, w.keyBias), project(w.value, w.valueBias));
  const merged = reshape(transpose(att, [0, 2, 1, 3]), [n * t, hd]);
  return reshape(add(matmul(merged, w.output), w.outputBias), [n, t, d]);
}

/**
 * Additive attention pooling: e = tanh(h·W + b)·u, α = softmax over time, output Σ_t α_t h_t.
 * h [N, T, H], W [H, A], b [A], u [A, 1]; returns [N, H].
 */
export function additiveAttentionPool(h: Var, weight: Var, bias: Var, context: Var): Var {
  if (h.rank !== 3) throw new ShapeError(`attention pooling: input [${h.shape}] must be [N, T, H]`);
  const [n, t, hs] = h.shape as [number, number, number];
  const e = matmul(tanh(add(matmul(reshape(h, [n * t, hs]), weight), bias)), context);
  const alpha = softmax(reshape(e, [n, t, 1]), 1);
  return reduceSum(mul(h, alpha), [1]);
}
