// Pixel-level training metrics as Topaz reports them: BCE loss (unlabelled counted as negative),
// precision = Σp(labelled)/Σp, adjusted precision = precision ÷ (p_obs/π), TPR = mean p on
// labelled pixels, FPR = mean p on unlabelled pixels, and AUPRC = pixel-level average precision.

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

/**
 * Average precision of scores against 0/1 labels (Topaz metrics.average_precision): sort by
 * score, treat tied scores as one bucket, AP = Σ precision(bucket) × new positives / positives.
 */
export function averagePrecision(scores: Float32Array, labels: Uint8Array | Float32Array): number {
  const n = scores.length;
  let total = 0;
  for (let i = 0; i < n; i++) if (labels[i]) total++;
  if (total === 0) return 0;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let ap = 0;
  let tp = 0;
  let seen = 0;
  let i = 0;
  while (i < n) {
    const s = scores[order[i] as number] as number;
    let hits = 0;
    let j = i;
    while (j < n && scores[order[j] as number] === s) {
      if (labels[order[j] as number]) hits++;
      j++;
    }
    tp += hits;
    seen += j - i;
    ap += (tp / seen) * (hits / total);
    i = j;
  }
  return ap;
}

/** Concatenates per-micrograph arrays (for metrics over a whole split). */
export function concatF32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
