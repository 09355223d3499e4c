// Average precision (area under the precision–recall curve), the one implementation: particle AP
// in evaluation and pixel AP (AUPRC) in training and tuning, with the exact definition used.

/**
 * AP = Σₖ (Rₖ − Rₖ₋₁) · Pₖ over the distinct scores k = 1…n in descending order, with R₀ = 0.
 * This is the non-interpolated step-wise area (scikit-learn's `average_precision_score`, and the
 * AUPRC of Topaz's `precision_recall_curve`): each recall gain is weighted by the precision at the
 * threshold where it happens; tied scores enter together. Recall is over `references` (default:
 * the number of hits), so references never matched by any prediction cap AP at the final recall.
 * 0 when there are no references or no predictions; 1 requires every reference found before any
 * false pick. AP is not meaningful without references; evaluate.ts reports it as undefined then.
 * @param scores one score per prediction (or pixel); +Infinity ranks first
 * @param hits truthy where the prediction matched a reference (or the pixel is labelled)
 */
export function averagePrecision(scores: ArrayLike<number>, hits: ArrayLike<number | boolean>, references?: number): number {
  const n = scores.length;
  let total = references ?? 0;
  if (references === undefined) for (let i = 0; i < n; i++) if (hits[i]) total++;
  if (total === 0) return 0;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let ap = 0;
  let recall = 0;
  let tp = 0;
  let seen = 0;
  let i = 0;
  while (i < n) {
    const s = scores[order[i] as number] as number;
    let found = 0;
    let j = i;
    while (j < n && scores[order[j] as number] === s) {
      if (hits[order[j] as number]) found++;
      j++;
    }
    tp += found;
    seen += j - i;
    const next = tp / total;
    ap += (next - recall) * (tp / seen);
    recall = next;
    i = j;
  }
  return ap;
}
