// The YOLO loss (crYOLO / YOLOv2, one anchor, one class) as one graph over the raw head:
// λcoord·Σ 1ᵢ[(x−x̂)² + (y−ŷ)²] + λcoord·s·Σ 1ᵢ[(√w−√ŵ)² + (√h−√ĥ)²] + λobj·Σ 1ᵢ(C−1)²
// + λnoobj·Σ (1−1ᵢ)C² + Σ 1ᵢ(P−1)², divided by the batch size; s = 0 during the warm-up
// epochs (sizes stay at the anchor) and 1 after.
import type { Var } from '../engine/builder.js';
import { weightedSquaredError } from '../engine/ops/composite.js';
import { add, exp, mul, sigmoid, sub } from '../engine/ops/elementwise.js';
import { reshape, slice } from '../engine/ops/shape.js';

export interface YoloLossWeights {
  /** λobj: confidence of cells holding a pick (crYOLO 5). */
  readonly object: number;
  /** λnoobj: confidence of the other cells (crYOLO 1; lower it for sparse picks). */
  readonly noObject: number;
  /** λcoord: centre and size (crYOLO 1). */
  readonly coord: number;
}

export const CRYOLO_LOSS_WEIGHTS: YoloLossWeights = { object: 5, noObject: 1, coord: 1 };

export interface YoloLossGraph {
  /** The objective (scalar). */
  readonly loss: Var;
  /** σ(confidence) of every cell, batch order [N·g·g]. */
  readonly probs: Var;
}

/**
 * Builds the loss of `head` [N, 6, g, g] against `targets` [N, 5, g, g] (yolo-targets.ts) with
 * `sizeWeight` a fed scalar [1].
 */
export function buildYoloLoss(head: Var, targets: Var, sizeWeight: Var, w: YoloLossWeights): YoloLossGraph {
  const n = head.shape[0] as number;
  const ch = (v: Var, s: number, e: number): Var => slice(v, { starts: [s], ends: [e], axes: [1] });
  const mask = ch(targets, 4, 5);
  const xy = sigmoid(ch(head, 0, 2));
  const sqrtWh = exp(mul(ch(head, 2, 4), 0.5));
  const conf = sigmoid(ch(head, 4, 5));
  const cls = sigmoid(ch(head, 5, 6));
  const coord = weightedSquaredError(xy, ch(targets, 0, 2), mul(mask, w.coord));
  const size = weightedSquaredError(sqrtWh, ch(targets, 2, 4), mul(mul(mask, w.coord), sizeWeight));
  const obj = weightedSquaredError(conf, 1, mul(mask, w.object));
  const noObj = weightedSquaredError(conf, 0, mul(sub(1, mask), w.noObject));
  const clsLoss = weightedSquaredError(cls, 1, mask);
  const loss = mul(add(add(add(coord, size), add(obj, noObj)), clsLoss), 1 / n);
  return { loss, probs: reshape(conf, [conf.size]) };
}
