// Plain-number reference of the training objectives (PN, PU, GE-KL, GE-binomial), used to test
// the ONNX loss graph and to document the formulas. s = logits, y = 1 for labelled positives,
// y = −1 for known negatives (negative picks, empty micrographs), 0 unlabelled.
//   BCE(P,1) = mean_P softplus(−s)        BCE(U,0) = mean_U softplus(s)      (U = unlabelled)
//   PN:  w·π·BCE(P,1) + (1−π)·BCE(U,0)
//   PU (non-negative, Kiryo 2017, β=0): R_n = mean_all softplus(s) − π·mean_P softplus(s);
//        loss = w·π·BCE(P,1) + R_n if R_n ≥ 0, else the step descends on −R_n
//   GE-KL: w·BCE(P,1) + slack·KL(Bern(π_u) ‖ Bern(mean_U σ(s)))
//   GE-binomial: w·BCE(P,1) + slack·(−Σ_k q(k)·log Bin(k; N_U, π_u)),
//        q = softmax_k(−(μ−k)²/(2σ²)), μ = Σ_U σ(s), σ² = Σ_U σ(s)(1−σ(s))
// w is the positive class weight (cryoSPARC's class weight for sparse particles), π_u the prior
// among unlabelled pixels. L2 and the autoencoder term are added by the trainer.
// Known negatives N (negativeWeight γ given): every objective gains γ·(1−π)·BCE(N,0) (PN, PU; a
// PN + PU mixture as in Sakai et al. 2017's PNU learning) or γ·BCE(N,0) (GE, like w·BCE(P,1));
// U excludes N in PU (mean over P ∪ U) and in the GE penalties; PN's negative class is U ∪ N.
import { softplus } from './metrics.js';

export interface LossSettings {
  readonly method: 'PN' | 'PU' | 'GE-KL' | 'GE-binomial';
  /** π for PN/PU, the unlabelled prior π_u for the GE methods. */
  readonly pi: number;
  readonly slack: number;
  readonly classWeight: number;
  /**
   * Multiplies the GE-binomial penalty (default 1). Dense batches hold M ≫ 256 pixels and the
   * penalty grows like M·(p̄ − π)², so dense training uses 256/M: the same pull as a Topaz batch.
   */
  readonly penaltyScale?: number;
  /** γ, present when the training data has known negatives (label −1); see the header. */
  readonly negativeWeight?: number;
}

export interface LossValue {
  /** The value whose gradient is followed. */
  readonly objective: number;
  /** The value reported in the results table. */
  readonly reported: number;
  readonly gePenalty?: number;
}

const sig = (s: number): number => 1 / (1 + Math.exp(-s));

/** log Bin(k; n, p) for k = 0..n by the exact ratio recurrence (no log-gamma needed). */
export function binomialLogPmf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  const lr = Math.log(q / (1 - q));
  out[0] = n * Math.log1p(-q);
  for (let k = 0; k < n; k++) out[k + 1] = (out[k] as number) + Math.log((n - k) / (k + 1)) + lr;
  return out;
}

/** The objective on one minibatch, in float64. */
export function referenceLoss(s: ArrayLike<number>, y: ArrayLike<number>, o: LossSettings): LossValue {
  let nP = 0; let posLoss = 0; let posAsNeg = 0; let nU = 0; let unlLoss = 0; let allNeg = 0; let mu = 0; let v = 0;
  let nN = 0; let negLoss = 0;
  for (let i = 0; i < s.length; i++) {
    const si = s[i] as number;
    const yi = y[i] as number;
    if (yi < 0 && o.negativeWeight !== undefined) {
      nN++; negLoss += softplus(si);
      continue;
    }
    allNeg += softplus(si);
    if (yi > 0) {
      nP++; posLoss += softplus(-si); posAsNeg += softplus(si);
    } else {
      nU++; unlLoss += softplus(si);
      const p = sig(si); mu += p; v += p * (1 - p);
    }
  }
  const bceP = posLoss / Math.max(nP, 1);
  const bceU = unlLoss / Math.max(nU, 1);
  const bceN = negLoss / Math.max(nN, 1);
  const gamma = o.negativeWeight ?? 0;
  const w = o.classWeight;
  switch (o.method) {
    case 'PN': {
      // negative class = U ∪ N
      const bceNotP = (unlLoss + negLoss) / Math.max(nU + nN, 1);
      const l = w * o.pi * bceP + (1 - o.pi) * bceNotP + gamma * (1 - o.pi) * bceN;
      return { objective: l, reported: l };
    }
    case 'PU': {
      const rn = allNeg / Math.max(nP + nU, 1) - o.pi * (posAsNeg / Math.max(nP, 1));
      const rp = w * o.pi * bceP;
      const rN = gamma * (1 - o.pi) * bceN;
      return rn >= 0 ? { objective: rp + rn + rN, reported: rp + rn + rN } : { objective: -rn + rN, reported: rp + rN };
    }
    case 'GE-KL': {
      const pbar = Math.min(Math.max(mu / Math.max(nU, 1), 1e-7), 1 - 1e-7);
      const t = o.pi;
      const kl = (t > 0 ? t * Math.log(t / pbar) : 0) + (t < 1 ? (1 - t) * Math.log((1 - t) / (1 - pbar)) : 0);
      const l = w * bceP + o.slack * kl + gamma * bceN;
      return { objective: l, reported: l, gePenalty: kl };
    }
    case 'GE-binomial': {
      const logpmf = binomialLogPmf(nU, o.pi);
      const var2 = Math.max(v, 1e-6);
      let mx = -Infinity;
      const z = new Float64Array(nU + 1);
      for (let k = 0; k <= nU; k++) { z[k] = -((mu - k) ** 2) / (2 * var2); mx = Math.max(mx, z[k] as number); }
      let den = 0;
      for (let k = 0; k <= nU; k++) den += Math.exp((z[k] as number) - mx);
      let pen = 0;
      for (let k = 0; k <= nU; k++) pen -= (Math.exp((z[k] as number) - mx) / den) * (logpmf[k] as number);
      const sp = (o.penaltyScale ?? 1) * pen;
      const l = w * bceP + o.slack * sp + gamma * bceN;
      return { objective: l, reported: l, gePenalty: sp };
    }
  }
}
