// Composite ops built from recorded primitives (their gradients follow from the primitives'
// rules): YOLOv2's space-to-depth passthrough and the weighted squared error of detection losses.
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';
import { mul, sub, type Operand } from './elementwise.js';
import { reduceSum } from './reduce.js';
import { concat, slice } from './shape.js';

/**
 * Space-to-depth ("reorg"): [N, C, H, W] → [N, C·b², H/b, W/b]. Output channel block k = dy·b + dx
 * holds x[:, :, dy::b, dx::b] (channels of one offset together). Built from strided slices, so an
 * exported graph stays valid for any input size divisible by b.
 */
export function spaceToDepth(x: Var, block: number): Var {
  if (x.rank !== 4) throw new ShapeError(`spaceToDepth needs [N, C, H, W], got rank ${x.rank}`);
  const h = x.shape[2] as number;
  const w = x.shape[3] as number;
  if (!Number.isInteger(block) || block < 1 || h % block !== 0 || w % block !== 0) {
    throw new ShapeError(`spaceToDepth: block ${block} must divide the spatial size ${h}×${w}`);
  }
  if (block === 1) return x;
  const parts: Var[] = [];
  for (let dy = 0; dy < block; dy++) {
    for (let dx = 0; dx < block; dx++) parts.push(slice(x, { starts: [dy, dx], ends: [h, w], axes: [2, 3], steps: [block, block] }));
  }
  return concat(parts, 1);
}

/** Σ weight·(pred − target)²; weight and target broadcast against pred (masks select the terms). */
export function weightedSquaredError(pred: Var, target: Operand, weight: Operand): Var {
  const d = sub(pred, target);
  return reduceSum(mul(weight, mul(d, d)));
}
