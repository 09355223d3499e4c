// The YOLO loss (crYOLO / YOLOv2, one anchor, one class) as one graph over the raw head:
// λcoord·Σ 1ᵢ[(x−x̂)² + (y−ŷ)²] + λcoord·s·Σ 1ᵢ[(√w−√ŵ)² + (√h−√ĥ)²] + λobj·Σ 1ᵢ(C−Ĉ)²
// + λnoobj·Σ (1−1ᵢ)C² + Σ 1ᵢ(P−1)², divided by the batch size; s = 0 during the warm-up epochs
// (sizes stay at the anchor) and 1 after. Ĉ = 1, or with rescore YOLOv2's IoU of the predicted and
// the true box (a target: no gradient flows through it).
import type { GraphBuilder, Var } from '../engine/builder.js';
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

/** YOLOv2's rescore: the confidence target of an object cell is the IoU of its predicted box with the true one. */
export interface Rescore {
  /** Grid stride divided by the anchor size: one cell in anchor units. */
  readonly cellInAnchors: number;
}

/**
 * IoU of the predicted and target boxes of every cell, built from untaped ONNX nodes so that it
 * is a constant for the gradient. Boxes in anchor units: centres at offset × cell, sizes e^tw and t².
 */
function boxIou(g: GraphBuilder, head: Var, targets: Var, cell: number): Var {
  const ch = (v: Var, s: number): Var => g.emit('Slice', [v, g.constI([s]), g.constI([s + 1]), g.constI([1])], {}, [v.shape[0] as number, 1, v.shape[2] as number, v.shape[3] as number]);
  const op = (name: string, a: Var, b: Var): Var => g.emit(name, [a, b], {}, a.shape);
  const un = (name: string, a: Var): Var => g.emit(name, [a], {}, a.shape);
  const k = g.constF([cell], []);
  const half = g.constF([0.5], []);
  const centre = (v: Var): Var => op('Mul', v, k);
  const [px, py] = [centre(un('Sigmoid', ch(head, 0))), centre(un('Sigmoid', ch(head, 1)))];
  const [pw, ph] = [un('Exp', ch(head, 2)), un('Exp', ch(head, 3))];
  const [tx, ty] = [centre(ch(targets, 0)), centre(ch(targets, 1))];
  const [tw, th] = [op('Mul', ch(targets, 2), ch(targets, 2)), op('Mul', ch(targets, 3), ch(targets, 3))];
  const overlap = (pc: Var, ps: Var, tc: Var, ts: Var): Var => {
    const hi = op('Min', op('Add', pc, op('Mul', ps, half)), op('Add', tc, op('Mul', ts, half)));
    const lo = op('Max', op('Sub', pc, op('Mul', ps, half)), op('Sub', tc, op('Mul', ts, half)));
    return un('Relu', op('Sub', hi, lo));
  };
  const inter = op('Mul', overlap(px, pw, tx, tw), overlap(py, ph, ty, th));
  const union = op('Sub', op('Add', op('Mul', pw, ph), op('Mul', tw, th)), inter);
  return op('Div', inter, op('Add', union, g.constF([1e-9], [])));
}

/**
 * Builds the loss of `head` [N, 6, g, g] against `targets` [N, 5, g, g] (yolo-targets.ts) with
 * `sizeWeight` a fed scalar [1]; with `rescore`, object cells learn the IoU as their confidence.
 */
export function buildYoloLoss(head: Var, targets: Var, sizeWeight: Var, w: YoloLossWeights, rescore?: Rescore): YoloLossGraph {
  const n = head.shape[0] as number;
  const ch = (v: Var, s: number, e: number): Var => slice(v, { starts: [s], ends: [e], axes: [1] });
  const mask = ch(targets, 4, 5);
  const xy = sigmoid(ch(head, 0, 2));
  const sqrtWh = exp(mul(ch(head, 2, 4), 0.5));
  const conf = sigmoid(ch(head, 4, 5));
  const cls = sigmoid(ch(head, 5, 6));
  const coord = weightedSquaredError(xy, ch(targets, 0, 2), mul(mask, w.coord));
  const size = weightedSquaredError(sqrtWh, ch(targets, 2, 4), mul(mul(mask, w.coord), sizeWeight));
  const objTarget = rescore ? boxIou(head.b, head, targets, rescore.cellInAnchors) : 1;
  const obj = weightedSquaredError(conf, objTarget, mul(mask, w.object));
  const noObj = weightedSquaredError(conf, 0, mul(sub(1, mask), w.noObject));
  const clsLoss = weightedSquaredError(cls, 1, mask);
  const loss = mul(add(add(add(coord, size), add(obj, noObj)), clsLoss), 1 / n);
  return { loss, probs: reshape(conf, [conf.size]) };
}
