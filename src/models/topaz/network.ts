// Builds a Topaz detector graph from its layer stack: training/evaluation (strided, one logit
// per receptive field) or "filled" inference (strides folded into dilations, stride 1, valid).
import { Is, I } from '../../engine/attrs.js';
import type { GraphBuilder, Var } from '../../engine/builder.js';
import { add, prelu, relu } from '../../engine/ops/elementwise.js';
import { conv } from '../../engine/ops/conv.js';
import { dropout } from '../../engine/ops/misc.js';
import { batchNorm } from '../../engine/ops/norm.js';
import { avgPool, maxPool } from '../../engine/ops/pool.js';
import { slice } from '../../engine/ops/shape.js';
import type { ParamStore } from '../../engine/params.js';
import type { Layer, PickerModelConfig } from './spec.js';
import { featureChannels, layerStack } from './spec.js';

export interface NetworkOptions {
  /** 'train': batch-statistics BN (running stats updated), dropout on; 'eval': running stats, no dropout. */
  readonly mode: 'train' | 'eval';
  /** Fold strides into dilations (stride-1 dense output, one logit per valid input pixel). */
  readonly fill: boolean;
}

interface Ctx {
  readonly b: GraphBuilder;
  readonly s: ParamStore;
  readonly cfg: PickerModelConfig;
  readonly o: NetworkOptions;
  /** Accumulated stride folded into dilations (fill mode). */
  m: number;
}

function convLayer(c: Ctx, x: Var, name: string, cin: number, cout: number, k: number, stride: number, dil: number, bias: boolean): Var {
  const w = c.s.declare(c.b, `${name}.w`, [cout, cin, k, k], { kind: 'he', fanIn: cin * k * k });
  const bv = bias ? c.s.declare(c.b, `${name}.b`, [cout], { kind: 'uniform', bound: 1 / Math.sqrt(cin * k * k) }) : null;
  return c.o.fill ? conv(x, w, bv, { dilations: dil * c.m }) : conv(x, w, bv, { strides: stride, dilations: dil });
}

function norm(c: Ctx, x: Var, name: string, ch: number): Var {
  if (!c.cfg.batchNorm) return x;
  const gamma = c.s.declare(c.b, `${name}.gamma`, [ch], { kind: 'const', value: 1 });
  const beta = c.s.declare(c.b, `${name}.beta`, [ch], { kind: 'const', value: 0 });
  const mean = c.s.declare(c.b, `${name}.mean`, [ch], { kind: 'const', value: 0 }, false);
  const variance = c.s.declare(c.b, `${name}.var`, [ch], { kind: 'const', value: 1 }, false);
  return batchNorm(x, gamma, beta, { training: c.o.mode === 'train', running: { mean, variance } });
}

function act(c: Ctx, x: Var, name: string): Var {
  if (c.cfg.activation === 'relu') return relu(x);
  return prelu(x, c.s.declare(c.b, `${name}.a`, [1], { kind: 'const', value: 0.25 }));
}

function crop(x: Var, n: number, step: number): Var {
  return slice(x, { starts: [n, n], ends: [-n, -n], axes: [2, 3], steps: [step, step] });
}

function residA(c: Ctx, x: Var, l: Extract<Layer, { kind: 'resid' }>): Var {
  const bias = !c.cfg.batchNorm;
  let h = convLayer(c, x, `${l.name}.conv0`, l.cin, l.cout, 3, 1, 1, bias);
  h = act(c, norm(c, h, `${l.name}.bn0`, l.cout), `${l.name}.act0`);
  h = convLayer(c, h, `${l.name}.conv1`, l.cout, l.cout, 3, l.stride, l.dil, bias);
  const step = c.o.fill ? 1 : l.stride;
  let skip = crop(x, (1 + l.dil) * c.m, l.cin !== l.cout ? 1 : step);
  if (l.cin !== l.cout) {
    const w = c.s.declare(c.b, `${l.name}.proj.w`, [l.cout, l.cin, 1, 1], { kind: 'he', fanIn: l.cin });
    skip = conv(skip, w, null, { strides: step });
  }
  const out = act(c, norm(c, add(h, skip), `${l.name}.bn1`, l.cout), `${l.name}.act1`);
  if (c.o.fill) c.m *= l.stride;
  return out;
}

function pool(c: Ctx, x: Var, mode: 'max' | 'avg'): Var {
  if (!c.o.fill) return mode === 'max' ? maxPool(x, { kernel: 3, strides: 2 }) : avgPool(x, { kernel: 3, strides: 2 });
  const b = c.b;
  const ext = 2 * c.m + 1;
  const shape = [x.shape[0] as number, x.shape[1] as number, (x.shape[2] as number) - ext + 1, (x.shape[3] as number) - ext + 1];
  let y: Var;
  if (mode === 'max') {
    y = b.emitN('MaxPool', [x], { kernel_shape: Is([3, 3]), dilations: Is([c.m, c.m]), strides: Is([1, 1]) }, [{ shape, dtype: 'float32' }])[0] as Var;
  } else {
    // AveragePool has no dilations before opset 19: a dilated depthwise conv with 1/9 weights.
    const ch = x.shape[1] as number;
    const k = b.constF(new Float32Array(ch * 9).fill(1 / 9), [ch, 1, 3, 3]);
    y = b.emit('Conv', [x, k], { kernel_shape: Is([3, 3]), dilations: Is([c.m, c.m]), group: I(ch) }, shape);
  }
  c.m *= 2;
  return y;
}

/**
 * Builds the detector on input x [N, 1, H, W]; returns logits [N, 1, H', W'].
 * Parameters are created in `store` on first use (deterministic order), so build once to initialise.
 */
export function buildNetwork(b: GraphBuilder, store: ParamStore, cfg: PickerModelConfig, x: Var, o: NetworkOptions): Var {
  return buildNetworkParts(b, store, cfg, x, o).logits;
}

/** Like buildNetwork, also returning the feature map before the 1×1 classifier (the autoencoder's latent). */
export function buildNetworkParts(b: GraphBuilder, store: ParamStore, cfg: PickerModelConfig, x: Var, o: NetworkOptions): { features: Var; logits: Var } {
  const c: Ctx = { b, s: store, cfg, o, m: 1 };
  const layers = layerStack(cfg);
  let h = x;
  let dropIndex = 0;
  for (const l of layers) {
    switch (l.kind) {
      case 'conv':
        h = convLayer(c, h, `${l.name}.conv`, l.cin, l.cout, l.k, l.stride, l.dil, !cfg.batchNorm);
        h = act(c, norm(c, h, `${l.name}.bn`, l.cout), `${l.name}.act`);
        if (o.fill) c.m *= l.stride;
        break;
      case 'resid':
        h = residA(c, h, l);
        break;
      case 'pool':
        h = pool(c, h, l.mode);
        break;
      case 'dropout':
        h = dropout(h, cfg.dropout, o.mode === 'train', dropIndex++);
        break;
      default: {
        const never: never = l;
        throw new Error(`unknown layer ${String(never)}`);
      }
    }
  }
  const wc = store.declare(b, 'classifier.w', [1, featureChannels(layers), 1, 1], { kind: 'xavier', fanIn: featureChannels(layers), fanOut: 1 });
  const bc = store.declare(b, 'classifier.b', [1], { kind: 'const', value: 0 });
  return { features: h, logits: conv(h, wc, bc) };
}
