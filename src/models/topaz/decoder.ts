// The autoencoder decoder of Topaz's --autoencoder option (topaz/model/generative.py,
// ConvGenerator): features [N, F, 1, 1] → 4×4 transposed-conv embedding → LeakyReLU(0.2) →
// `depth` blocks of [4×4 stride-2 transposed conv → BN → LeakyReLU(0.2)] halving channels →
// 3×3 stride-2 transposed conv to 1 channel. BN keeps running statistics like the encoder's.
import type { GraphBuilder, Var } from '../../engine/builder.js';
import { leakyRelu } from '../../engine/ops/elementwise.js';
import { convTranspose } from '../../engine/ops/conv.js';
import { batchNorm } from '../../engine/ops/norm.js';
import type { ParamStore } from '../../engine/params.js';
import { ShapeError } from '../../errors.js';
import type { NetworkOptions } from './network.js';

export interface DecoderConfig {
  /** Channels of the features it decodes (the classifier's input channels). */
  readonly latentChannels: number;
  /** Base units of the decoder (Topaz --ngf; cryopick --encoder-units). */
  readonly units: number;
  /** Receptive field of the encoder; depth = max(1, ⌊log2(rf + 1) − 3⌋). */
  readonly receptiveField: number;
}

/** Number of upsampling blocks and the reconstruction edge (63 for rf 71). */
export function decoderGeometry(rf: number): { depth: number; size: number } {
  const depth = Math.max(1, Math.floor(Math.log2(rf + 1) - 3));
  return { depth, size: 2 ** (depth + 3) - 1 };
}

/** Emits the decoder on features z [N, F, 1, 1] (the network's explicit features output); returns [N, 1, size, size]. */
export function buildDecoder(b: GraphBuilder, store: ParamStore, cfg: DecoderConfig, z: Var, o: Pick<NetworkOptions, 'mode'>): Var {
  if (z.rank !== 4 || z.shape[1] !== cfg.latentChannels || z.shape[2] !== 1 || z.shape[3] !== 1) {
    throw new ShapeError(`the autoencoder needs one feature vector per patch, [N, ${cfg.latentChannels}, 1, 1]; got [${z.shape}]`);
  }
  const { depth } = decoderGeometry(cfg.receptiveField);
  let c = cfg.units * 2 ** depth;
  const w0 = store.declare(b, 'decoder.embed.w', [cfg.latentChannels, c, 4, 4], { kind: 'he', fanIn: cfg.latentChannels });
  let h = leakyRelu(convTranspose(z, w0, null, {}), 0.2);
  for (let i = 0; i < depth; i++) {
    const w = store.declare(b, `decoder.up${i}.w`, [c, c / 2, 4, 4], { kind: 'he', fanIn: c * 4 });
    h = convTranspose(h, w, null, { strides: 2, pads: 1 });
    const name = `decoder.up${i}`;
    const gamma = store.declare(b, `${name}.gamma`, [c / 2], { kind: 'const', value: 1 });
    const beta = store.declare(b, `${name}.beta`, [c / 2], { kind: 'const', value: 0 });
    const mean = store.declare(b, `${name}.mean`, [c / 2], { kind: 'const', value: 0 }, false);
    const variance = store.declare(b, `${name}.var`, [c / 2], { kind: 'const', value: 1 }, false);
    h = leakyRelu(batchNorm(h, gamma, beta, { training: o.mode === 'train', running: { mean, variance } }), 0.2);
    c /= 2;
  }
  const wf = store.declare(b, 'decoder.out.w', [c, 1, 3, 3], { kind: 'he', fanIn: c * 9 });
  const bf = store.declare(b, 'decoder.out.b', [1], { kind: 'const', value: 0 });
  return convTranspose(h, wf, bf, { strides: 2, pads: 1 });
}
