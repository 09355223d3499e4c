// The YOLO loss (crYOLO / YOLOv2, one anchor, one class) as one graph over the raw head:
// λcoord·Σ 1ᵢ[(x−x̂)² + (y−ŷ)²] + λcoord·s·Σ 1ᵢ[(√w−√ŵ)² + (√h−√ĥ)²] + λobj·Σ 1ᵢ(C−Ĉ)²
// + λnoobj·Σ (1−1ᵢ)·kᵢ·C² + Σ 1ᵢ(P−1)², over the batch size; s = 0 in the warm-up epochs, else 1;
// Ĉ = 1, or with rescore the IoU of predicted and true box; kᵢ = 1, or with crYOLO's ignore rule 0
// where the cell's box overlaps a true box by IoU ≥ t. Ĉ and kᵢ are targets: no gradient.
import type { GraphBuilder, Var } from '../engine/builder.js';
import { weightedSquaredError } from '../engine/ops/composite.js';
import { add, exp, mul, sigmoid, sub } from '../engine/ops/elementwise.js';
import { reshape, slice } from '../engine/ops/shape.js';
import { I } from '../engine/attrs.js';
import { GRID_CHANNELS } from './yolo-targets.js';

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

interface BoxVars { readonly x: Var; readonly y: Var; readonly w: Var; readonly h: Var }

/** Untaped ONNX helpers for target values (constants for the gradient). */
function untapedOps(g: GraphBuilder) {
  const ch = (v: Var, s: number): Var => g.emit('Slice', [v, g.constI([s]), g.constI([s + 1]), g.constI([1])], {}, [v.shape[0] as number, 1, v.shape[2] as number, v.shape[3] as number]);
  const op = (name: string, a: Var, b: Var): Var => g.emit(name, [a, b], {}, a.shape);
  const un = (name: string, a: Var): Var => g.emit(name, [a], {}, a.shape);
  return { ch, op, un };
}

/** IoU of two boxes of centre-size channels [N, 1, g, g], without gradient. */
function iouOf(g: GraphBuilder, a: BoxVars, b: BoxVars): Var {
  const { op, un } = untapedOps(g);
  const half = g.constF([0.5], []);
  const overlap = (pc: Var, ps: Var, tc: Var, ts: Var): Var => {
    const hi = op('Min', op('Add', pc, op('Mul', ps, half)), op('Add', tc, op('Mul', ts, half)));
    const lo = op('Max', op('Sub', pc, op('Mul', ps, half)), op('Sub', tc, op('Mul', ts, half)));
    return un('Relu', op('Sub', hi, lo));
  };
  const inter = op('Mul', overlap(a.x, a.w, b.x, b.w), overlap(a.y, a.h, b.y, b.h));
  const union = op('Sub', op('Add', op('Mul', a.w, a.h), op('Mul', b.w, b.h)), inter);
  return op('Div', inter, op('Add', union, g.constF([1e-9], [])));
}

/** Each cell's predicted box in anchor units, centre measured from the cell's corner (offset × cell). */
function predictedBox(g: GraphBuilder, head: Var, cell: number): BoxVars {
  const { ch, op, un } = untapedOps(g);
  const k = g.constF([cell], []);
  return { x: op('Mul', un('Sigmoid', ch(head, 0)), k), y: op('Mul', un('Sigmoid', ch(head, 1)), k), w: un('Exp', ch(head, 2)), h: un('Exp', ch(head, 3)) };
}

/** YOLOv2's rescore target: the IoU of each cell's predicted box with its own target box. */
function boxIou(g: GraphBuilder, pred: BoxVars, targets: Var, cell: number): Var {
  const { ch, op } = untapedOps(g);
  const k = g.constF([cell], []);
  const truth = { x: op('Mul', ch(targets, 0), k), y: op('Mul', ch(targets, 1), k), w: op('Mul', ch(targets, 2), ch(targets, 2)), h: op('Mul', ch(targets, 3), ch(targets, 3)) };
  return iouOf(g, pred, truth);
}

/**
 * crYOLO's (YOLOv2's) no-object mask: 1 where the cell's predicted box overlaps none of the true
 * boxes listed near it (targets channels 5.., four per box, see yolo-targets.ts) by `iou` or more, else 0.
 */
function notOverlapping(g: GraphBuilder, pred: BoxVars, targets: Var, cell: number, iou: number): Var {
  const { ch, op } = untapedOps(g);
  const k = g.constF([cell], []);
  const slots = ((targets.shape[1] as number) - GRID_CHANNELS) / 4;
  const ious: Var[] = [];
  for (let s = 0; s < slots; s++) {
    const c = GRID_CHANNELS + 4 * s;
    ious.push(iouOf(g, pred, { x: op('Mul', ch(targets, c), k), y: op('Mul', ch(targets, c + 1), k), w: ch(targets, c + 2), h: ch(targets, c + 3) }));
  }
  const best = ious.length === 1 ? (ious[0] as Var) : g.emit('Max', ious, {}, (ious[0] as Var).shape);
  return g.emit('Cast', [op('Less', best, g.constF([iou], []))], { to: I(1) }, best.shape);
}

/** crYOLO's ignore rule: empty cells whose predicted box overlaps a true box by this IoU are not penalised. */
export interface IgnoreOverlapping {
  /** crYOLO 0.6. */
  readonly iou: number;
  /** Grid stride divided by the anchor size. */
  readonly cellInAnchors: number;
}

/**
 * Builds the loss of `head` [N, 6, g, g] against `targets` [N, C, g, g] (yolo-targets.ts) with
 * `sizeWeight` a fed scalar [1]; with `rescore`, object cells learn the IoU as their confidence;
 * with `ignore`, empty cells whose box overlaps a listed true box enough are not penalised.
 */
export function buildYoloLoss(head: Var, targets: Var, sizeWeight: Var, w: YoloLossWeights, rescore?: Rescore, ignore?: IgnoreOverlapping): YoloLossGraph {
  const n = head.shape[0] as number;
  const ch = (v: Var, s: number, e: number): Var => slice(v, { starts: [s], ends: [e], axes: [1] });
  const mask = ch(targets, 4, 5);
  const xy = sigmoid(ch(head, 0, 2));
  const sqrtWh = exp(mul(ch(head, 2, 4), 0.5));
  const conf = sigmoid(ch(head, 4, 5));
  const cls = sigmoid(ch(head, 5, 6));
  const coord = weightedSquaredError(xy, ch(targets, 0, 2), mul(mask, w.coord));
  const size = weightedSquaredError(sqrtWh, ch(targets, 2, 4), mul(mul(mask, w.coord), sizeWeight));
  // the predicted boxes (untaped), built once per cell size for the rescore target and the ignore mask
  const boxes = new Map<number, BoxVars>();
  const predicted = (cell: number): BoxVars => boxes.get(cell) ?? (boxes.set(cell, predictedBox(head.b, head, cell)).get(cell) as BoxVars);
  const objTarget = rescore ? boxIou(head.b, predicted(rescore.cellInAnchors), targets, rescore.cellInAnchors) : 1;
  const obj = weightedSquaredError(conf, objTarget, mul(mask, w.object));
  const empty = ignore ? mul(sub(1, mask), notOverlapping(head.b, predicted(ignore.cellInAnchors), targets, ignore.cellInAnchors, ignore.iou)) : sub(1, mask);
  const noObj = weightedSquaredError(conf, 0, mul(empty, w.noObject));
  const clsLoss = weightedSquaredError(cls, 1, mask);
  const loss = mul(add(add(add(coord, size), add(obj, noObj)), clsLoss), 1 / n);
  return { loss, probs: reshape(conf, [conf.size]) };
}
