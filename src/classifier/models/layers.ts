// Keras-like layers for the classifier models, dimension-generic where it costs nothing
// (1-D signals [N, C, T] and 2-D crops [N, C, H, W]): conv "same", BN, dense, LSTM, attention.
import {
  add, avgPool, batchNorm, conv, dropout, gemm, layerNorm, lstm, maxPool, multiHeadSelfAttention, reduceMean, relu,
} from '../../engine/index.js';
import type { GraphBuilder, ParamStore, Var } from '../../engine/index.js';

/** What every layer needs: the graph, the weights and whether this graph trains. */
export interface Ctx {
  readonly b: GraphBuilder;
  readonly s: ParamStore;
  readonly training: boolean;
}

/** Convolution with "same" padding (stride divides the output), He-initialised, with bias. */
export function convSame(c: Ctx, name: string, x: Var, out: number, kernel: number, stride = 1): Var {
  const sp = x.rank - 2;
  const cin = x.shape[1] as number;
  const ks = Array<number>(sp).fill(kernel);
  const w = c.s.declare(c.b, `${name}.w`, [out, cin, ...ks], { kind: 'he', fanIn: cin * kernel ** sp });
  const bias = c.s.declare(c.b, `${name}.b`, [out], { kind: 'const', value: 0 });
  const begins: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < sp; i++) {
    const size = x.shape[2 + i] as number;
    const o = Math.ceil(size / stride);
    const total = Math.max(0, (o - 1) * stride + kernel - size);
    begins.push(Math.floor(total / 2));
    ends.push(total - Math.floor(total / 2));
  }
  return conv(x, w, bias, { strides: stride, pads: [...begins, ...ends] });
}

/** Batch normalisation over channels with running statistics (momentum 0.01 as Keras' 0.99). */
export function bn(c: Ctx, name: string, x: Var): Var {
  const ch = x.shape[1] as number;
  const gamma = c.s.declare(c.b, `${name}.gamma`, [ch], { kind: 'const', value: 1 });
  const beta = c.s.declare(c.b, `${name}.beta`, [ch], { kind: 'const', value: 0 });
  const mean = c.s.declare(c.b, `${name}.mean`, [ch], { kind: 'const', value: 0 }, false);
  const variance = c.s.declare(c.b, `${name}.var`, [ch], { kind: 'const', value: 1 }, false);
  return batchNorm(x, gamma, beta, { training: c.training, running: { mean, variance }, momentum: 0.1, eps: 1e-3 });
}

/** Fully connected layer on [N, F] (Glorot uniform, zero bias). */
export function dense(c: Ctx, name: string, x: Var, units: number): Var {
  const f = x.shape[1] as number;
  const w = c.s.declare(c.b, `${name}.w`, [units, f], { kind: 'xavier', fanIn: f, fanOut: units });
  const bias = c.s.declare(c.b, `${name}.b`, [units], { kind: 'const', value: 0 });
  return gemm(x, w, bias, true);
}

export const drop = (c: Ctx, x: Var, p: number): Var => dropout(x, p, c.training);

/** Max pooling by 2 on every spatial axis (Keras MaxPool1D/2D, valid). */
export const pool2 = (x: Var): Var => maxPool(x, { kernel: 2 });

/** Max pooling 3, stride 2, "same" padding (the ResNet stem). */
export function stemPool(x: Var): Var {
  const sp = x.rank - 2;
  const pads = x.shape.slice(2).map((h) => Math.max(0, (Math.ceil(h / 2) - 1) * 2 + 3 - h));
  return maxPool(x, { kernel: 3, strides: 2, pads: [...pads.map((p) => Math.floor(p / 2)), ...pads.map((p) => p - Math.floor(p / 2))].slice(0, 2 * sp) });
}

export const avgPool2 = (x: Var): Var => avgPool(x, { kernel: 2 });

/** Mean over every spatial axis: [N, C, ...] → [N, C]. */
export const globalAvgPool = (x: Var): Var => reduceMean(x, x.shape.map((_, i) => i).slice(2));

/** LSTM layer on [N, T, F] (Glorot kernel, orthogonal-ish recurrent init, forget bias 1 as Keras). */
export function lstmLayer(c: Ctx, name: string, x: Var, units: number, returnSequences: boolean): Var {
  const f = x.shape[2] as number;
  const kernel = c.s.declare(c.b, `${name}.kernel`, [f, 4 * units], { kind: 'xavier', fanIn: f, fanOut: 4 * units });
  const recurrent = c.s.declare(c.b, `${name}.recurrent`, [units, 4 * units], { kind: 'xavier', fanIn: units, fanOut: 4 * units });
  const biasEntry = c.s.add(`${name}.bias`, [4 * units], { kind: 'const', value: 0 });
  if (!biasEntry.data.some((v) => v !== 0)) biasEntry.data.fill(1, units, 2 * units);
  return lstm(x, { kernel, recurrent, bias: c.s.use(c.b, `${name}.bias`) }, returnSequences);
}

/** Multi-head self-attention with Keras' key_dim = headSize per head, output projected back to D. */
export function selfAttention(c: Ctx, name: string, x: Var, heads: number, headSize: number): Var {
  const d = x.shape[2] as number;
  const hd = heads * headSize;
  const m = (k: string, shape: number[]): Var => c.s.declare(c.b, `${name}.${k}`, shape, { kind: 'xavier', fanIn: shape[0] as number, fanOut: shape[1] as number });
  const z = (k: string, n: number): Var => c.s.declare(c.b, `${name}.${k}`, [n], { kind: 'const', value: 0 });
  return multiHeadSelfAttention(x, {
    query: m('q', [d, hd]), key: m('k', [d, hd]), value: m('v', [d, hd]), output: m('o', [hd, d]),
    queryBias: z('qb', hd), keyBias: z('kb', hd), valueBias: z('vb', hd), outputBias: z('ob', d),
  }, heads);
}

/** Layer normalisation over the last axis with learned scale and shift. */
export function layerNormLast(c: Ctx, name: string, x: Var): Var {
  const d = x.shape[x.rank - 1] as number;
  const g = c.s.declare(c.b, `${name}.gamma`, [d], { kind: 'const', value: 1 });
  const beta = c.s.declare(c.b, `${name}.beta`, [d], { kind: 'const', value: 0 });
  return layerNorm(x, g, beta, -1, 1e-6);
}

export { add, relu };
