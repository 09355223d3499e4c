// Optimizer update nodes emitted into the fused train step: SGD (momentum, Nesterov), Adam,
// AdamW, L2 regularisation and global gradient-norm clipping. Rates arrive as scalar inputs.
import type { GraphBuilder, Var } from './builder.js';
import { add, div, mul, sqrt, sub } from './ops/elementwise.js';
import { sumSquares } from './ops/reduce.js';

export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly momentum?: number; readonly nesterov?: boolean; readonly weightDecay?: number }
  | { readonly kind: 'adam'; readonly beta1?: number; readonly beta2?: number; readonly eps?: number; readonly weightDecay?: number }
  | { readonly kind: 'adamw'; readonly beta1?: number; readonly beta2?: number; readonly eps?: number; readonly weightDecay: number };

/** Names of the per-parameter optimizer state tensors. */
export function stateSlots(o: OptimizerConfig): readonly string[] {
  if (o.kind === 'sgd') return (o.momentum ?? 0) > 0 ? ['momentum'] : [];
  return ['m', 'v'];
}

/** Scalar inputs the step feeds each run: lr, and Adam's bias-corrected lr_t and eps_t. */
export const SCALAR_INPUTS = ['opt_lr', 'opt_lr_t', 'opt_eps_t'] as const;

/** Values of the scalar inputs at step t (1-based) with learning rate lr. */
export function scalarFeeds(o: OptimizerConfig, lr: number, t: number): Record<(typeof SCALAR_INPUTS)[number], number> {
  if (o.kind === 'sgd') return { opt_lr: lr, opt_lr_t: lr, opt_eps_t: 0 };
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const c2 = Math.sqrt(1 - b2 ** t);
  // PyTorch: p -= lr/(1-b1^t) · m / (√v/√(1-b2^t) + eps) = lr_t · m / (√v + eps·√(1-b2^t)).
  return { opt_lr: lr, opt_lr_t: (lr * c2) / (1 - b1 ** t), opt_eps_t: eps * c2 };
}

export interface UpdateResult {
  readonly param: Var;
  readonly state: readonly Var[];
}

/** Global-norm clipping: scales all gradients by min(1, maxNorm/‖g‖); returns the norm too. */
export function clipGradients(b: GraphBuilder, grads: readonly Var[], maxNorm: number | undefined): { grads: Var[]; norm: Var } {
  let total: Var | null = null;
  for (const g of grads) total = total ? add(total, sumSquares(g)) : sumSquares(g);
  const norm = sqrt(total ?? b.constF([0], []));
  if (maxNorm === undefined) return { grads: [...grads], norm };
  const scale = b.emit('Min', [b.constF([1], []), div(maxNorm, add(norm, 1e-6))], {}, []);
  return { grads: grads.map((g) => mul(g, scale)), norm };
}

/** Emits one parameter's update. `scalars` are the graph inputs named in SCALAR_INPUTS. */
export function emitUpdate(o: OptimizerConfig, p: Var, grad: Var, state: readonly Var[], scalars: Readonly<Record<(typeof SCALAR_INPUTS)[number], Var>>): UpdateResult {
  let g = grad;
  if (o.kind !== 'adamw' && (o.weightDecay ?? 0) > 0) g = add(g, mul(p, o.weightDecay ?? 0));
  if (o.kind === 'sgd') {
    const mu = o.momentum ?? 0;
    if (mu === 0) return { param: sub(p, mul(scalars.opt_lr, g)), state: [] };
    const v = add(mul(state[0] as Var, mu), g);
    const step = o.nesterov ? add(g, mul(v, mu)) : v;
    return { param: sub(p, mul(scalars.opt_lr, step)), state: [v] };
  }
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const m = add(mul(state[0] as Var, b1), mul(g, 1 - b1));
  const v = add(mul(state[1] as Var, b2), mul(mul(g, g), 1 - b2));
  const stepDir = div(m, add(sqrt(v), scalars.opt_eps_t));
  let base = p;
  if (o.kind === 'adamw') base = sub(p, mul(mul(scalars.opt_lr, o.weightDecay), p));
  return { param: sub(base, mul(scalars.opt_lr_t, stepDir)), state: [m, v] };
}
