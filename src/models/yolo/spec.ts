// The crYOLO network as data (Wagner et al. 2019, Table 2): 21 "same" convolutions with batch
// norm and leaky ReLU, 5 max pools, a passthrough (YOLOv2 reorg or PhosaurusNet upsample), and a
// 1×1 detection head with 6 filters per cell; a width multiplier scales every filter count.
import { ConfigError, type ConfigProblem } from '../../errors.js';

export const PASSTHROUGHS = ['upsample', 'reorg'] as const;
/** 'upsample': layer 21 upsampled ×2 and concatenated with layer 13 (grid stride 16, PhosaurusNet); 'reorg': layer 13 space-to-depth, concatenated before layer 21 (stride 32, YOLOv2). */
export type Passthrough = (typeof PASSTHROUGHS)[number];

export interface YoloConfig {
  readonly arch: 'yolo';
  readonly passthrough: Passthrough;
  /** Filters × this factor (1 = the paper's network; 0.5, 0.25 for speed). */
  readonly width: number;
  /** Dropout before the detection head (training only; crYOLO 0.2). */
  readonly dropout: number;
  /** The one anchor box (width = height), in network-input pixels: the particle box size. */
  readonly anchor: number;
}

/** crYOLO's default IoU above which the weaker of two overlapping boxes is suppressed. */
export const YOLO_NMS_IOU = 0.3;

/** Head channels per cell: x, y, w, h, confidence, class. */
export const HEAD_CHANNELS = 6;

export interface YoloConv { readonly name: string; readonly k: 1 | 3; readonly filters: number }
export type YoloLayer = YoloConv | { readonly pool: true };

/** Layers 1..21 with the pools between them (the paper's filter counts, before the multiplier). */
const TABLE: readonly (readonly [1 | 3, number] | 'pool')[] = [
  [3, 32], 'pool', [3, 64], 'pool', [3, 128], [1, 64], [3, 128], 'pool', [3, 256], [1, 128], [3, 256], 'pool',
  [3, 512], [1, 256], [3, 512], [1, 256], [3, 512], 'pool',
  [3, 1024], [1, 512], [3, 1024], [1, 512], [3, 1024], [3, 1024], [3, 1024], [3, 1024],
];

/** Scaled filter count (at least 4). */
export function scaled(filters: number, width: number): number {
  return Math.max(4, Math.round(filters * width));
}

/** The 21 convolutions (named conv1..conv21) and 5 pools, filters scaled by the width multiplier. */
export function yoloLayers(c: Pick<YoloConfig, 'width'>): YoloLayer[] {
  let n = 0;
  return TABLE.map((t) => (t === 'pool' ? { pool: true as const } : { name: `conv${++n}`, k: t[0], filters: scaled(t[1], c.width) }));
}

/** Pixels of network input per grid cell. */
export function gridStride(c: Pick<YoloConfig, 'passthrough'>): number {
  return c.passthrough === 'upsample' ? 16 : 32;
}

/** Network input sides must be multiples of this (five 2× pools). */
export const INPUT_MULTIPLE = 32;

export function defaultYoloConfig(over: Partial<YoloConfig> = {}): YoloConfig {
  const c: YoloConfig = { arch: 'yolo', passthrough: 'upsample', width: 1, dropout: 0.2, anchor: 32, ...over };
  validateYoloConfig(c);
  return c;
}

/** @throws ConfigError listing every invalid field. */
export function validateYoloConfig(c: YoloConfig): void {
  const p: ConfigProblem[] = [];
  if (c.arch !== 'yolo') p.push({ path: 'arch', message: `expected yolo, got ${String(c.arch)}` });
  if (!PASSTHROUGHS.includes(c.passthrough)) p.push({ path: 'passthrough', message: `expected ${PASSTHROUGHS.join(' or ')}, got ${String(c.passthrough)}` });
  if (!(c.width > 0 && c.width <= 4)) p.push({ path: 'width', message: `expected a multiplier in (0, 4], got ${c.width}` });
  if (!(c.dropout >= 0 && c.dropout < 1)) p.push({ path: 'dropout', message: `expected a probability in [0, 1), got ${c.dropout}` });
  if (!(c.anchor > 0 && Number.isFinite(c.anchor))) p.push({ path: 'anchor', message: `expected a positive box size in pixels, got ${c.anchor}` });
  if (p.length) throw new ConfigError(p, 'invalid YOLO model');
}
