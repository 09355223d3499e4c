// Precision, recall and F1 of scored predictions against a reference count: at one threshold,
// at every distinct threshold (the PR curve), and the best-F1 operating point.

/** One prediction after matching: its score (undefined = always kept) and whether it matched. */
export interface ScoredOutcome {
  readonly score: number | undefined;
  readonly matched: boolean;
  /** IoU with its matched reference (matched predictions only). */
  readonly iou?: number;
}

/**
 * Counts and rates for the predictions with score ≥ `threshold`.
 * precision = tp / (tp + fp), defined as 1 when nothing is predicted (no false picks);
 * recall = tp / references, defined as 1 when there are no references;
 * f1 = 2·P·R / (P + R), 0 when both are 0.
 */
export interface PrPoint {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

function point(threshold: number, tp: number, predicted: number, references: number): PrPoint {
  const precision = predicted === 0 ? 1 : tp / predicted;
  const recall = references === 0 ? 1 : tp / references;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, tp, fp: predicted - tp, fn: references - tp, precision, recall, f1 };
}

function scoreOf(o: ScoredOutcome): number {
  return o.score ?? Number.POSITIVE_INFINITY;
}

/** Precision/recall/F1 of the predictions with score ≥ `threshold` (−Infinity keeps all). */
export function metricsAtThreshold(outcomes: readonly ScoredOutcome[], references: number, threshold: number): PrPoint {
  let tp = 0;
  let n = 0;
  for (const o of outcomes) {
    if (scoreOf(o) < threshold) continue;
    n++;
    if (o.matched) tp++;
  }
  return point(threshold, tp, n, references);
}

/** Mean IoU of the matched predictions with score ≥ `threshold`; undefined when none matched. */
export function meanIouAtThreshold(outcomes: readonly ScoredOutcome[], threshold: number): number | undefined {
  let sum = 0;
  let n = 0;
  for (const o of outcomes) {
    if (!o.matched || o.iou === undefined || scoreOf(o) < threshold) continue;
    sum += o.iou;
    n++;
  }
  return n === 0 ? undefined : sum / n;
}

/**
 * The precision–recall curve: one point per distinct score, thresholds descending (so recall
 * and tp never decrease along the array). Tied scores enter together, as any threshold would
 * keep or drop them together. Empty when there are no predictions.
 */
export function precisionRecallCurve(outcomes: readonly ScoredOutcome[], references: number): PrPoint[] {
  const sorted = [...outcomes].sort((a, b) => scoreOf(b) - scoreOf(a));
  const curve: PrPoint[] = [];
  let tp = 0;
  for (let k = 0; k < sorted.length; k++) {
    const o = sorted[k] as ScoredOutcome;
    if (o.matched) tp++;
    const next = sorted[k + 1];
    if (next !== undefined && scoreOf(next) === scoreOf(o)) continue;
    curve.push(point(scoreOf(o), tp, k + 1, references));
  }
  return curve;
}

/** The curve point with the highest F1 (the highest threshold among ties), or undefined. */
export function bestF1(curve: readonly PrPoint[]): PrPoint | undefined {
  let best: PrPoint | undefined;
  for (const p of curve) if (!best || p.f1 > best.f1) best = p;
  return best;
}

/** The lowest threshold whose precision is still ≥ `target` (most picks at that precision). */
export function thresholdForPrecision(curve: readonly PrPoint[], target: number): PrPoint | undefined {
  let found: PrPoint | undefined;
  for (const p of curve) if (p.precision >= target) found = p;
  return found;
}
