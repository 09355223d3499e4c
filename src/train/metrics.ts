// Pixel-level training metrics as Topaz reports them: BCE loss (unlabelled counted as negative),
// precision = Σp(labelled)/Σp, adjusted precision = precision ÷ (p_obs/π), TPR = mean p on
// labelled pixels, FPR = mean p on unlabelled pixels, and AUPRC = pixel-level average precision.

import { averagePrecision } from '../eval/average-precision.js';

export interface PixelMetrics {
  readonly loss: number;
  readonly precision: number;
  readonly adjustedPrecision: number;
  readonly tpr: number;
  readonly fpr: number;
  readonly auprc: number;
}

const sigmoid = (s: number): number => 1 / (1 + Math.exp(-s));
/** log(1 + e^x) without overflow. */
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/**
 * Metrics over logits and 0/1 labels. `pi` and `pObserved` give the adjusted precision (the
 * fraction of the best precision reachable when only p_obs/π of the particles are labelled).
 */
export function pixelMetrics(logits: Float32Array, labels: Uint8Array | Float32Array, pi: number, pObserved: number, withAuprc = true): PixelMetrics {
  let loss = 0;
  let sumP = 0;
  let sumPPos = 0;
  let nPos = 0;
  for (let i = 0; i < logits.length; i++) {
    const s = logits[i] as number;
    const p = sigmoid(s);
    sumP += p;
    if (labels[i]) {
      nPos++;
      sumPPos += p;
      loss += softplus(-s);
    } else {
      loss += softplus(s);
    }
  }
  const n = logits.length;
  const precision = sumP > 0 ? sumPPos / sumP : 0;
  const ratio = pi > 0 ? pObserved / pi : 1;
  return {
    loss: n > 0 ? loss / n : 0,
    precision,
    adjustedPrecision: ratio > 0 ? precision / ratio : precision,
    tpr: nPos > 0 ? sumPPos / nPos : 0,
    fpr: n - nPos > 0 ? (sumP - sumPPos) / (n - nPos) : 0,
    auprc: withAuprc ? averagePrecision(logits, labels) : Number.NaN,
  };
}

/** Concatenates per-micrograph arrays (for metrics over a whole split). */
export function concatF32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
