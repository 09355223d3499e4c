// Batch normalisation (training: the momentum-0 training-mode ONNX op giving batch statistics,
// with a closed-form backward; inference: the plain op with running statistics) and LayerNorm.
import { F, I } from '../attrs.js';
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';
import { add, div, mul, sqrt, sub } from './elementwise.js';
import { reduceMean } from './reduce.js';
import { reshape } from './shape.js';

export interface BatchNormOptions {
  /** Training mode normalises with batch statistics; otherwise the running statistics are used. */
  readonly training: boolean;
  /** Running statistics (non-trainable parameters); updated through setState in training mode. */
  readonly running?: { readonly mean: Var; readonly variance: Var };
  /** Default 1e-5. */
  readonly eps?: number;
  /** PyTorch convention: running = (1 - momentum)·running + momentum·batch (unbiased var). Default 0.1. */
  readonly momentum?: number;
}

let junkSeed = 1;
/** Distinct junk values so ORT never merges these initializers with others (pitfall 1). */
function junk(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 0.5 + ((junkSeed = (junkSeed * 16807) % 2147483647) / 2147483647);
  return a;
}

/** Per-channel vector [C] reshaped to broadcast against x ([1, C, 1, ...]). */
export function channelView(v: Var, rank: number): Var {
  return reshape(v, [1, v.shape[0] as number, ...Array<number>(rank - 2).fill(1)]);
}

/** BatchNorm over axis 1 of x ([N, C, ...]); gamma/beta are [C]. */
export function batchNorm(x: Var, gamma: Var, beta: Var, o: BatchNormOptions): Var {
  const g = x.b;
  const c = x.shape[1] as number;
  if (x.rank < 2 || gamma.shape[0] !== c || beta.shape[0] !== c) throw new ShapeError(`batchNorm: x [${x.shape}] needs gamma/beta of [${c}]`);
  const eps = o.eps ?? 1e-5;
  if (o.training) {
    const [y, bmean, bvar] = g.emitN('BatchNormalization', [
      x, gamma, beta,
      g.initializer(g.fresh('bn_junk_mean'), junk(c), [c]),
      g.initializer(g.fresh('bn_junk_var'), junk(c), [c]),
    ], { epsilon: F(eps), momentum: F(0), training_mode: I(1) }, [
      { shape: x.shape, dtype: 'float32' }, { shape: [c], dtype: 'float32' }, { shape: [c], dtype: 'float32' },
    ]) as [Var, Var, Var];
    if (o.running) {
      const m = o.momentum ?? 0.1;
      const count = x.size / c;
      g.untaped(() => {
        const r = o.running as { mean: Var; variance: Var };
        g.setState(r.mean.name, add(mul(r.mean, 1 - m), mul(bmean, m)));
        g.setState(r.variance.name, add(mul(r.variance, 1 - m), mul(bvar, (m * count) / Math.max(1, count - 1))));
      });
    }
    return g.record('batchNormTrain', [x, gamma, beta], y, { eps, mean: bmean, variance: bvar });
  }
  if (!o.running) throw new RangeError('batchNorm in inference mode needs running statistics');
  if (g.recording && (x.requiresGrad || gamma.requiresGrad || beta.requiresGrad)) {
    // Differentiable composite: y = x·s + (beta − mean·s), s = gamma / sqrt(var + eps).
    const s = div(gamma, sqrt(add(o.running.variance, eps)));
    return add(mul(x, channelView(s, x.rank)), channelView(sub(beta, mul(o.running.mean, s)), x.rank));
  }
  return g.emit('BatchNormalization', [x, gamma, beta, o.running.mean, o.running.variance], { epsilon: F(eps) }, x.shape);
}

/** Layer normalisation over the trailing axes from `axis`; gamma/beta broadcast there. */
export function layerNorm(x: Var, gamma: Var, beta: Var, axis = -1, eps = 1e-5): Var {
  const start = axis < 0 ? axis + x.rank : axis;
  const axes = x.shape.map((_, i) => i).filter((i) => i >= start);
  const mu = reduceMean(x, axes, true);
  const xc = sub(x, mu);
  const variance = reduceMean(mul(xc, xc), axes, true);
  return add(mul(div(xc, sqrt(add(variance, eps))), gamma), beta);
}
