// Topaz's autoencoder regulariser (--autoencoder W, conv models, patch training): a DCGAN-style
// decoder reconstructs the input patch from the classifier's features at the patch centre, and
// W × mean_batch Σ_pixels (x − x̂)² is added to the objective. The paper suggests W ≈ 10/N for
// N ≤ 250 labelled particles and no autoencoder for more (it over-regularises).
import type { GraphBuilder, Var } from '../engine/builder.js';
import { convTranspose } from '../engine/ops/conv.js';
import { add, leakyRelu, mul, sub } from '../engine/ops/elementwise.js';
import { batchNorm } from '../engine/ops/norm.js';
import { reduceSum } from '../engine/ops/reduce.js';
import { slice } from '../engine/ops/shape.js';
import type { ParamStore } from '../engine/params.js';
import { ShapeError } from '../errors.js';

/** Topaz: depth = ⌊log2(RF + 1) − 3⌋ doubling blocks; output side 2·4·2^depth − 1. */
export function decoderDepth(receptiveField: number): number {
  return Math.max(1, Math.floor(Math.log2(receptiveField + 1) - 3));
}

/** The classifier's input (the features) of a logits Var built by the Topaz network. */
export function featuresOf(b: GraphBuilder, logits: Var): Var {
  for (let i = b.tape.length - 1; i >= 0; i--) {
    const e = b.tape[i];
    if (e && e.output.name === logits.name && e.kind === 'conv') return e.inputs[0] as Var;
  }
  throw new RangeError('autoencoder: the classifier layer was not found on the tape');
}

/**
 * Reconstruction error Σ(x − x̂)² averaged over the batch, for features [B, C, 1, 1] of patches
 * x [B, 1, S, S]; x is centre-cropped to the decoder's output side.
 */
export function reconstructionError(b: GraphBuilder, store: ParamStore, features: Var, x: Var, receptiveField: number, units: number): Var {
  const [batch, ch, fh, fw] = features.shape as [number, number, number, number];
  if (fh !== 1 || fw !== 1) throw new ShapeError(`autoencoder needs one feature vector per patch, got ${fh}×${fw}`);
  const depth = decoderDepth(receptiveField);
  let c = units * 2 ** depth;
  const w0 = store.declare(b, 'decoder.embed.w', [ch, c, 4, 4], { kind: 'he', fanIn: ch });
  let h = leakyRelu(convTranspose(features, w0, null, {}), 0.2);
  for (let i = 0; i < depth; i++) {
    const w = store.declare(b, `decoder.up${i}.w`, [c, c / 2, 4, 4], { kind: 'he', fanIn: c * 4 });
    h = convTranspose(h, w, null, { strides: 2, pads: 1 });
    const gamma = store.declare(b, `decoder.up${i}.gamma`, [c / 2], { kind: 'const', value: 1 });
    const beta = store.declare(b, `decoder.up${i}.beta`, [c / 2], { kind: 'const', value: 0 });
    h = leakyRelu(batchNorm(h, gamma, beta, { training: true }), 0.2);
    c /= 2;
  }
  const wf = store.declare(b, 'decoder.out.w', [c, 1, 3, 3], { kind: 'he', fanIn: c * 9 });
  const bf = store.declare(b, 'decoder.out.b', [1], { kind: 'const', value: 0 });
  const recon = convTranspose(h, wf, bf, { strides: 2, pads: 1 });
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
