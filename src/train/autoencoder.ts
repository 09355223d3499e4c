// Topaz's autoencoder regulariser (--autoencoder W, conv models, patch training): the decoder
// (models/topaz/decoder.ts) reconstructs the input patch from the network's features at the patch
// centre, and W × mean_batch Σ_pixels (x − x̂)² is added to the objective. The paper suggests
// W ≈ 10/N for N ≤ 250 labelled particles and no autoencoder for more (it over-regularises).
import type { GraphBuilder, Var } from '../engine/builder.js';
import { add, mul, sub } from '../engine/ops/elementwise.js';
import { reduceSum } from '../engine/ops/reduce.js';
import { slice } from '../engine/ops/shape.js';
import type { ParamStore } from '../engine/params.js';
import { ShapeError } from '../errors.js';
import { buildDecoder } from '../models/topaz/decoder.js';

/**
 * Reconstruction error Σ(x − x̂)² averaged over the batch, for features [B, C, 1, 1] of patches
 * x [B, 1, S, S]; x is centre-cropped to the decoder's output side.
 */
export function reconstructionError(b: GraphBuilder, store: ParamStore, features: Var, x: Var, receptiveField: number, units: number): Var {
  const batch = features.shape[0] as number;
  const recon = buildDecoder(b, store, { latentChannels: features.shape[1] as number, units, receptiveField }, features, { mode: 'train' });
  const side = recon.shape[2] as number;
  const s = x.shape[2] as number;
  if (side > s) throw new ShapeError(`autoencoder output ${side} px exceeds the patch ${s} px`);
  const o = (s - side) >> 1;
  const target = o > 0 ? slice(x, { starts: [o, o], ends: [o + side, o + side], axes: [2, 3] }) : x;
  const d = sub(target, recon);
  return mul(reduceSum(mul(d, d)), 1 / batch);
}

/** objective + weight · reconstruction error. */
export function withAutoencoder(objective: Var, recon: Var, weight: number): Var {
  return add(objective, mul(recon, weight));
}
