// Average precision (area under the precision–recall curve), with the exact definition used.

import type { PrPoint } from './precision-recall.js';

/**
 * AP = Σₖ (Rₖ − Rₖ₋₁) · Pₖ over the curve points k = 1…n in descending threshold, with R₀ = 0.
 * This is the non-interpolated step-wise area (scikit-learn's `average_precision_score`, and the
 * AUPRC of Topaz's `precision_recall_curve`): each recall gain is weighted by the precision at the
 * threshold where it happens. Recall is over ALL references, so references never matched by any
 * prediction cap AP at the final recall. 0 for an empty curve; 1 requires every reference found
 * before any false pick. AP is not meaningful without references; evaluate.ts reports it as
 * undefined for such micrographs.
 */
export function averagePrecision(curve: readonly PrPoint[]): number {
  let ap = 0;
  let lastRecall = 0;
  for (const p of curve) {
    ap += (p.recall - lastRecall) * p.precision;
    lastRecall = p.recall;
  }
  return ap;
}
