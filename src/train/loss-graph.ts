// The training objectives as engine ops (see loss-reference.ts for the formulas): PN, PU
// (non-negative risk), GE-KL and GE-binomial over per-pixel logits, with the per-step scalars
// (1/#positives, 1/#unlabelled) and the binomial log-pmf fed as graph inputs. With known
// negatives (label −1) every objective gains their term; see loss-reference.ts.
import type { GraphBuilder, Var } from '../engine/builder.js';
import { add, clamp, div, log, mul, neg, raw, sigmoid, softplus, sub } from '../engine/ops/elementwise.js';
import { softmax } from '../engine/ops/misc.js';
import { reduceMean, reduceSum } from '../engine/ops/reduce.js';
import { reshape } from '../engine/ops/shape.js';
import { binomialLogPmf, type LossSettings } from './loss-reference.js';

export interface LossGraph {
  /** Scalar whose gradient the step follows. */
  readonly objective: Var;
  /** Scalar reported in the results table. */
  readonly reported: Var;
  /** GE penalty (GE methods), for the results table. */
  readonly penalty?: Var;
  /** Sigmoid probabilities of the pixels, for precision on training batches. */
  readonly probs: Var;
  /** The per-step inputs of the loss for a batch with these labels (besides the labels themselves). */
  feedsFor(labels: Float32Array): Map<string, { data: Float32Array; shape: number[] }>;
}

const PENALTY_MASK = -1e4;

/**
 * Builds the loss over `logits` (any shape, flattened) against the graph input `labels` ([M]).
 * GE-binomial needs M + 1 count bins per step; they are cheap next to the network.
 */
export function buildLossGraph(g: GraphBuilder, logits: Var, labels: Var, o: LossSettings): LossGraph {
  const m = logits.size;
  const s = reshape(logits, [m]);
  const invP = g.input('loss_inv_pos', [1]);
  const invU = g.input('loss_inv_unl', [1]);
  const gamma = o.negativeWeight;
  const withNeg = gamma !== undefined;
  // Without known negatives the labels are 0/1 and the graph is exactly the PU/GE one.
  const pos = withNeg ? clamp(labels, 0, 1) : labels;
  const negMask = withNeg ? clamp(neg(labels), 0, 1) : undefined;
  const notPos = sub(1, pos);
  const unl = negMask ? sub(notPos, negMask) : notPos;
  const bceP = mul(reduceSum(mul(pos, softplus(neg(s))), [0], true), invP);
  const probs = sigmoid(s);
  const w = o.classWeight;
  const invN = withNeg ? g.input('loss_inv_neg', [1]) : undefined;
  const invNotNeg = withNeg ? g.input('loss_inv_not_neg', [1]) : undefined;
  const bceN = negMask && invN ? mul(reduceSum(mul(negMask, softplus(s)), [0], true), invN) : undefined;
  /** objective + weight·BCE(N,0) when there are known negatives. */
  const plusNeg = (v: Var, weight: number): Var => (bceN ? add(v, mul(bceN, weight)) : v);
  const scalars = (lab: Float32Array): Map<string, { data: Float32Array; shape: number[] }> => {
    const { nP, nN } = countLabels(lab);
    const f = new Map([
      ['loss_inv_pos', { data: Float32Array.of(1 / Math.max(nP, 1)), shape: [1] }],
      ['loss_inv_unl', { data: Float32Array.of(1 / Math.max(lab.length - nP - (withNeg && o.method !== 'PN' ? nN : 0), 1)), shape: [1] }],
    ]);
    if (withNeg) {
      f.set('loss_inv_neg', { data: Float32Array.of(1 / Math.max(nN, 1)), shape: [1] });
      f.set('loss_inv_not_neg', { data: Float32Array.of(1 / Math.max(lab.length - nN, 1)), shape: [1] });
    }
    return f;
  };
  const scalar = (v: Var): Var => reshape(v, []);
  const g1 = gamma ?? 0;
  switch (o.method) {
    case 'PN': {
      // the negative class is every pixel not labelled positive (known negatives included)
      const bceU = mul(reduceSum(mul(notPos, softplus(s)), [0], true), invU);
      const l = scalar(plusNeg(add(mul(bceP, w * o.pi), mul(bceU, 1 - o.pi)), g1 * (1 - o.pi)));
      return { objective: l, reported: l, probs, feedsFor: scalars };
    }
    case 'PU': {
      const sp = softplus(s);
      // the unlabelled sample of the PU risk excludes the known negatives (they are not drawn from the mixture)
      const allNeg = negMask && invNotNeg ? mul(reduceSum(mul(sub(1, negMask), sp), [0], true), invNotNeg) : reduceMean(sp, [0], true);
      const posAsNeg = mul(reduceSum(mul(pos, sp), [0], true), invP);
      const rn = sub(allNeg, mul(posAsNeg, o.pi));
      const rp = mul(bceP, w * o.pi);
      // Non-differentiable gate: 1 when the negative risk is non-negative (raw op, no gradient).
      const gate = raw.greaterOrEqual(rn, g.constF([0], [1]));
      const objective = scalar(plusNeg(add(mul(gate, add(rp, rn)), mul(sub(1, gate), neg(rn))), g1 * (1 - o.pi)));
      const reported = scalar(plusNeg(add(rp, mul(gate, rn)), g1 * (1 - o.pi)));
      return { objective, reported, probs, feedsFor: scalars };
    }
    case 'GE-KL': {
      const t = o.pi;
      const pbar = clamp(mul(reduceSum(mul(unl, probs), [0], true), invU), 1e-7, 1 - 1e-7);
      const c = (t > 0 ? t * Math.log(t) : 0) + (t < 1 ? (1 - t) * Math.log(1 - t) : 0);
      const kl = add(neg(add(mul(log(pbar), t), mul(log(sub(1, pbar)), 1 - t))), c);
      const objective = scalar(plusNeg(add(mul(bceP, w), mul(kl, o.slack)), g1));
      return { objective, reported: objective, penalty: scalar(kl), probs, feedsFor: scalars };
    }
    case 'GE-binomial': {
      const pu = mul(unl, probs);
      const mu = reduceSum(pu, [0], true);
      const variance = clamp(reduceSum(mul(pu, sub(1, probs)), [0], true), 1e-6, Number.POSITIVE_INFINITY);
      const k = g.constF(Float32Array.from({ length: m + 1 }, (_, i) => i), [m + 1]);
      const bias = g.input('loss_count_mask', [m + 1]);
      const logpmf = g.input('loss_log_pmf', [m + 1]);
      const d = sub(k, mu);
      const z = add(div(mul(d, d), mul(variance, -2)), bias);
      const q = softmax(z, 0);
      const penalty = mul(neg(reduceSum(mul(q, logpmf), [0], true)), o.penaltyScale ?? 1);
      const objective = scalar(plusNeg(add(mul(bceP, w), mul(penalty, o.slack)), g1));
      const feedsFor = (lab: Float32Array): Map<string, { data: Float32Array; shape: number[] }> => {
        const f = scalars(lab);
        const { nP, nN } = countLabels(lab);
        const nU = lab.length - nP - nN;
        const lp = binomialLogPmf(nU, o.pi);
        const mask = new Float32Array(m + 1);
        const pmf = new Float32Array(m + 1);
        for (let i = 0; i <= m; i++) {
          if (i <= nU) pmf[i] = Math.max(lp[i] as number, -1e30);
          else mask[i] = PENALTY_MASK;
        }
        f.set('loss_count_mask', { data: mask, shape: [m + 1] });
        f.set('loss_log_pmf', { data: pmf, shape: [m + 1] });
        return f;
      };
      return { objective, reported: objective, penalty: scalar(penalty), probs, feedsFor };
    }
  }
}

/** Labelled positives (label > 0) and known negatives (label < 0) of a batch. */
export function countLabels(lab: Float32Array): { nP: number; nN: number } {
  let nP = 0;
  let nN = 0;
  for (let i = 0; i < lab.length; i++) {
    const v = lab[i] as number;
    if (v > 0) nP++;
    else if (v < 0) nN++;
  }
  return { nP, nN };
}
