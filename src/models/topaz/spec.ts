// Topaz detector architectures as layer data (topaz/model/features/resnet.py, basic.py):
// ResNet8 (rf 71), ResNet16 (rf 91), conv31/63/127, with units, BN, dropout, pooling, unit scaling.
import { ParameterError } from '../../errors.js';
import type { ConfigProblem } from '../../errors.js';

export const TOPAZ_ARCHS = ['resnet8', 'resnet16', 'conv31', 'conv63', 'conv127'] as const;
export type TopazArch = (typeof TOPAZ_ARCHS)[number];
export type Pooling = 'none' | 'max' | 'avg';
export type Activation = 'relu' | 'prelu';

export interface PickerModelConfig {
  readonly arch: TopazArch;
  /** Base channel count (Topaz --units, default 32). */
  readonly units: number;
  /** Channel multiplier per layer for conv* models (Topaz --unit-scaling, default 2); ResNets use [u, 2u, 4u]. */
  readonly unitScaling: number;
  readonly batchNorm: boolean;
  /** Dropout probability after each stage (0 = off). */
  readonly dropout: number;
  /** 'none': strided convs; 'max'/'avg': stride-1 convs followed by 3×3 stride-2 pools. */
  readonly pooling: Pooling;
  /** Topaz uses ReLU in ResNets and PReLU in conv* models. */
  readonly activation: Activation;
}

/** Topaz defaults for an architecture. */
export function defaultConfig(arch: TopazArch, over: Partial<PickerModelConfig> = {}): PickerModelConfig {
  const cfg: PickerModelConfig = {
    arch, units: 32, unitScaling: 2, batchNorm: true, dropout: 0, pooling: 'none',
    activation: arch.startsWith('resnet') ? 'relu' : 'prelu', ...over,
  };
  validateConfig(cfg);
  return cfg;
}

/** @throws ConfigError listing every invalid field. */
export function validateConfig(c: PickerModelConfig): void {
  const p: ConfigProblem[] = [];
  if (!TOPAZ_ARCHS.includes(c.arch)) p.push({ path: 'arch', message: `expected one of ${TOPAZ_ARCHS.join(', ')}, got ${String(c.arch)}` });
  if (!Number.isInteger(c.units) || c.units < 1) p.push({ path: 'units', message: `expected a positive integer, got ${c.units}` });
  if (!(c.unitScaling >= 1)) p.push({ path: 'unitScaling', message: `expected ≥ 1, got ${c.unitScaling}` });
  if (!(c.dropout >= 0 && c.dropout < 1)) p.push({ path: 'dropout', message: `expected a probability in [0, 1), got ${c.dropout}` });
  if (!['none', 'max', 'avg'].includes(c.pooling)) p.push({ path: 'pooling', message: `expected none, max or avg, got ${String(c.pooling)}` });
  if (!['relu', 'prelu'].includes(c.activation)) p.push({ path: 'activation', message: `expected relu or prelu, got ${String(c.activation)}` });
  if (p.length) throw new ParameterError(p, 'invalid picker model');
}

export type Layer =
  | { readonly kind: 'conv'; readonly name: string; readonly cin: number; readonly cout: number; readonly k: number; readonly stride: number; readonly dil: number }
  | { readonly kind: 'resid'; readonly name: string; readonly cin: number; readonly cout: number; readonly dil: number; readonly stride: number }
  | { readonly kind: 'pool'; readonly mode: 'max' | 'avg' }
  | { readonly kind: 'dropout' };

/** The layer stack (without the final 1×1 classifier). */
export function layerStack(c: PickerModelConfig): Layer[] {
  const out: Layer[] = [];
  const pooled = c.pooling !== 'none';
  const stage = (l: Layer, stride: number): void => {
    out.push(l);
    if (pooled && stride > 1) out.push({ kind: 'pool', mode: c.pooling === 'max' ? 'max' : 'avg' });
    if (c.dropout > 0) out.push({ kind: 'dropout' });
  };
  const s = (stride: number): number => (pooled ? 1 : stride);
  const u = c.units;
  const conv = (name: string, cin: number, cout: number, k: number, stride: number, dil = 1): void =>
    stage({ kind: 'conv', name, cin, cout, k, stride: s(stride), dil }, stride);
  const resid = (name: string, cin: number, cout: number, dil: number, stride: number): void =>
    stage({ kind: 'resid', name, cin, cout, dil, stride: s(stride) }, stride);
  switch (c.arch) {
    case 'resnet8':
      conv('l0', 1, u, 7, 2);
      resid('l1', u, u, 2, 1);
      resid('l2', u, 2 * u, 2, 2);
      resid('l3', 2 * u, 2 * u, 2, 1);
      conv('l4', 2 * u, 4 * u, 5, 1);
      break;
    case 'resnet16':
      conv('l0', 1, u, 7, 1);
      resid('l1', u, u, 1, 2);
      resid('l2', u, u, 1, 1);
      resid('l3', u, u, 1, 1);
      resid('l4', u, u, 1, 1);
      resid('l5', u, 2 * u, 1, 2);
      resid('l6', 2 * u, 2 * u, 1, 1);
      resid('l7', 2 * u, 2 * u, 1, 1);
      conv('l8', 2 * u, 4 * u, 5, 1);
      break;
    default: {
      const kernels = { conv31: [7, 5, 5], conv63: [7, 5, 5, 5], conv127: [7, 5, 5, 5, 5] }[c.arch];
      let cin = 1;
      let ch = u;
      kernels.forEach((k, i) => {
        const last = i === kernels.length - 1;
        conv(`l${i}`, cin, Math.round(ch), k, last ? 1 : 2);
        cin = Math.round(ch);
        if (!last) ch *= c.unitScaling;
      });
    }
  }
  return out;
}

/** Channels of the last feature layer (input of the 1×1 classifier). */
export function featureChannels(layers: readonly Layer[]): number {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i] as Layer;
    if (l.kind === 'conv' || l.kind === 'resid') return l.cout;
  }
  return 1;
}

/** Receptive field (px) and total output stride of the stack. */
export function geometryOf(layers: readonly Layer[]): { receptiveField: number; stride: number } {
  let rf = 1;
  let m = 1;
  for (const l of layers) {
    if (l.kind === 'conv') rf += (l.k - 1) * l.dil * m;
    else if (l.kind === 'resid') rf += 2 * m + 2 * l.dil * m;
    else if (l.kind === 'pool') rf += 2 * m;
    if (l.kind === 'pool') m *= 2;
    else if (l.kind !== 'dropout') m *= l.stride;
  }
  return { receptiveField: rf, stride: m };
}
