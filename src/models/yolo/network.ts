// Builds the crYOLO graph on input x [N, 1, H, W] (H, W multiples of 32): the feature extractor,
// the passthrough, dropout and the 1×1 head; returns raw head values [N, 6, H/s, W/s].
import type { GraphBuilder, Var } from '../../engine/builder.js';
import { conv } from '../../engine/ops/conv.js';
import { spaceToDepth } from '../../engine/ops/composite.js';
import { leakyRelu } from '../../engine/ops/elementwise.js';
import { dropout } from '../../engine/ops/misc.js';
import { batchNorm } from '../../engine/ops/norm.js';
import { maxPool } from '../../engine/ops/pool.js';
import { concat, resize } from '../../engine/ops/shape.js';
import type { ParamStore } from '../../engine/params.js';
import { ShapeError } from '../../errors.js';
import { HEAD_CHANNELS, INPUT_MULTIPLE, yoloLayers, type YoloConfig } from './spec.js';

export interface YoloBuildOptions {
  /** 'train': batch statistics and dropout; 'eval': running statistics. */
  readonly mode: 'train' | 'eval';
  /** Training: the dropout's uniform draws as a fed input of the given shape (reproducible steps, exact resume). */
  readonly dropoutNoise?: (shape: readonly number[]) => Var;
}

function convBnLeaky(b: GraphBuilder, s: ParamStore, x: Var, name: string, k: number, filters: number, mode: 'train' | 'eval'): Var {
  const cin = x.shape[1] as number;
  const w = s.declare(b, `${name}.w`, [filters, cin, k, k], { kind: 'he', fanIn: cin * k * k });
  const h = conv(x, w, null, { pads: (k - 1) / 2 });
  const gamma = s.declare(b, `${name}.gamma`, [filters], { kind: 'const', value: 1 });
  const beta = s.declare(b, `${name}.beta`, [filters], { kind: 'const', value: 0 });
  const mean = s.declare(b, `${name}.mean`, [filters], { kind: 'const', value: 0 }, false);
  const variance = s.declare(b, `${name}.var`, [filters], { kind: 'const', value: 1 }, false);
  return leakyRelu(batchNorm(h, gamma, beta, { training: mode === 'train', running: { mean, variance } }), 0.1);
}

/**
 * Emits the network; parameters are created in `store` on first use (deterministic order).
 * @throws ShapeError when the input sides are not multiples of 32.
 */
export function buildYolo(b: GraphBuilder, store: ParamStore, cfg: YoloConfig, x: Var, o: YoloBuildOptions): Var {
  const [, , h, w] = x.shape as [number, number, number, number];
  if (h % INPUT_MULTIPLE !== 0 || w % INPUT_MULTIPLE !== 0) throw new ShapeError(`YOLO input ${w}×${h} must be a multiple of ${INPUT_MULTIPLE} on each side`);
  const layers = yoloLayers(cfg);
  let y = x;
  let layer13: Var | undefined;
  for (const l of layers) {
    if ('pool' in l) { y = maxPool(y, { kernel: 2, strides: 2 }); continue; }
    if (l.name === 'conv21' && cfg.passthrough === 'reorg') y = concat([y, spaceToDepth(layer13 as Var, 2)], 1);
    y = convBnLeaky(b, store, y, l.name, l.k, l.filters, o.mode);
    if (l.name === 'conv13') layer13 = y;
  }
  if (cfg.passthrough === 'upsample') y = concat([resize(y, [1, 1, 2, 2]), layer13 as Var], 1);
  if (cfg.dropout > 0) y = dropout(y, cfg.dropout, o.mode === 'train', 0, o.mode === 'train' ? o.dropoutNoise?.(y.shape) : undefined);
  const cin = y.shape[1] as number;
  const wh = store.declare(b, 'head.w', [HEAD_CHANNELS, cin, 1, 1], { kind: 'uniform', bound: 0.01 });
  const bh = store.declare(b, 'head.b', [HEAD_CHANNELS], { kind: 'const', value: 0 });
  return conv(y, wh, bh);
}
