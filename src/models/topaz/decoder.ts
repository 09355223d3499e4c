// The autoencoder decoder of Topaz's --autoencoder option (topaz/model/generative.py,
// ConvGenerator, DCGAN style): latent [N, F, 1, 1] → 4×4 transposed conv → `depth` blocks of
// [4×4 stride-2 transposed conv → BN → LeakyReLU(0.2)] halving channels → 3×3 stride-2 to 1 channel.
import type { GraphBuilder, Var } from '../../engine/builder.js';
import { leakyRelu } from '../../engine/ops/elementwise.js';
import { convTranspose } from '../../engine/ops/conv.js';
import { batchNorm } from '../../engine/ops/norm.js';
import type { ParamStore } from '../../engine/params.js';
import { ShapeError } from '../../errors.js';

export interface DecoderConfig {
  /** Channels of the latent (the classifier's feature channels, 4·units for ResNets). */
  readonly latentChannels: number;
  /** Topaz --ngf (default 32). */
  readonly ngf: number;
  /** Receptive field of the encoder; depth = floor(log2(rf + 1) − 3). */
  readonly receptiveField: number;
}

/** Number of upsampling blocks and the reconstruction edge (63 for rf 71). */
export function decoderGeometry(rf: number): { depth: number; size: number } {
  const depth = Math.floor(Math.log2(rf + 1) - 3);
  if (depth < 0) throw new RangeError(`receptive field ${rf} is too small for the decoder`);
  return { depth, size: 2 ** (depth + 3) - 1 };
}

/** Emits the decoder on latent z [N, F, 1, 1]; returns the reconstruction [N, 1, size, size]. */
export function buildDecoder(b: GraphBuilder, store: ParamStore, cfg: DecoderConfig, z: Var, training: boolean): Var {
  if (z.rank !== 4 || z.shape[1] !== cfg.latentChannels || z.shape[2] !== 1 || z.shape[3] !== 1) {
    throw new ShapeError(`decoder latent must be [N, ${cfg.latentChannels}, 1, 1], got [${z.shape}]`);
  }
  const { depth } = decoderGeometry(cfg.receptiveField);
  const bnAct = (h: Var, name: string, ch: number): Var => {
    const gamma = store.declare(b, `${name}.gamma`, [ch], { kind: 'const', value: 1 });
    const beta = store.declare(b, `${name}.beta`, [ch], { kind: 'const', value: 0 });
    const mean = store.declare(b, `${name}.mean`, [ch], { kind: 'const', value: 0 }, false);
    const variance = store.declare(b, `${name}.var`, [ch], { kind: 'const', value: 1 }, false);
    return leakyRelu(batchNorm(h, gamma, beta, { training, running: { mean, variance } }), 0.2);
  };
  let ch = cfg.ngf * 2 ** depth;
  const w0 = store.declare(b, 'decoder.l0.w', [cfg.latentChannels, ch, 4, 4], { kind: 'he', fanIn: cfg.latentChannels });
  let h = bnAct(convTranspose(z, w0), 'decoder.l0.bn', ch);
  for (let i = 1; i <= depth; i++) {
    const next = ch / 2;
    const w = store.declare(b, `decoder.l${i}.w`, [ch, next, 4, 4], { kind: 'he', fanIn: ch * 4 });
    h = bnAct(convTranspose(h, w, null, { strides: 2, pads: 1 }), `decoder.l${i}.bn`, next);
    ch = next;
  }
  const wl = store.declare(b, 'decoder.out.w', [ch, 1, 3, 3], { kind: 'he', fanIn: ch * 2 });
  const bl = store.declare(b, 'decoder.out.b', [1], { kind: 'const', value: 0 });
  return convTranspose(h, wl, bl, { strides: 2, pads: 1 });
}
