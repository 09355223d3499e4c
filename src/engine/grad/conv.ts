// Gradient rules of Conv and ConvTranspose. dx is a ConvTranspose (or Conv) with the same
// geometry; dW picks the fastest measured path (engine-onnx.md §3 auto-rule): the "conv trick"
// when C·k² < 64 or OH·OW < 16, a batched MatMul for 1×1 stride-1 convs, else a one-hot
// grouped-Conv im2col followed by a batched MatMul summed over the batch.
import type { Var } from '../builder.js';
import { conv, convTranspose, kernelExtent } from '../ops/conv.js';
import { matmul } from '../ops/misc.js';
import { reduceSum } from '../ops/reduce.js';
import { pad, reshape, slice, transpose } from '../ops/shape.js';
import type { ConvGeometry } from '../op-kinds.js';
import type { GradRule } from './rule.js';

/** Gradient of Conv(x, w) with respect to x, given dy. */
export function convInputGrad(dy: Var, w: Var, geo: ConvGeometry, xShape: readonly number[]): Var {
  const n = geo.kernel.length;
  if (flippedConvApplies(geo) && geo.pads.every((p, i) => p <= kernelExtent(geo, i % n) - 1)) return flippedConvInputGrad(dy, w, geo);
  const outputPadding = xShape.slice(2).map((h, i) => (h + (geo.pads[i] as number) + (geo.pads[i + n] as number) - kernelExtent(geo, i)) % (geo.strides[i] as number));
  return convTranspose(dy, w, null, { ...geo, outputPadding });
}

/** Stride-1 3×3 convs: a Conv with the flipped, in/out-swapped kernel beats ConvTranspose (§3). */
function flippedConvApplies(geo: ConvGeometry): boolean {
  return geo.groups === 1 && geo.kernel.every((k) => k === 3) && geo.strides.every((s) => s === 1);
}

function flippedConvInputGrad(dy: Var, w: Var, geo: ConvGeometry): Var {
  const g = dy.b;
  const sp = geo.kernel.length;
  const axes = geo.kernel.map((_, i) => i + 2);
  const flipped = g.emit('Slice', [w, g.constI(axes.map(() => -1)), g.constI(axes.map(() => -(2 ** 53 - 1))), g.constI(axes), g.constI(axes.map(() => -1))], {}, w.shape);
  const wf = transpose(flipped, [1, 0, ...axes]);
  const pads = geo.pads.map((p, i) => kernelExtent(geo, i % sp) - 1 - p);
  return conv(dy, wf, null, { dilations: geo.dilations, pads });
}

export type WeightGradPath = 'trick' | 'matmul1x1' | 'im2col';

/** Which dW path the auto-rule picks for this conv. */
export function weightGradPath(x: readonly number[], dy: readonly number[], geo: ConvGeometry): WeightGradPath {
  const k = geo.kernel.reduce((a, c) => a * c, 1);
  const c = x[1] as number;
  const outPixels = dy.slice(2).reduce((a, v) => a * v, 1);
  const plain = geo.strides.every((s) => s === 1) && geo.pads.every((p) => p === 0);
  if (k === 1 && plain) return 'matmul1x1';
  if (geo.groups === 1 && (c * k < 64 || outPixels < 16)) return 'trick';
  return 'im2col';
}

/** Gradient of Conv(x, w) with respect to w (shape wShape), given dy. */
export function convWeightGrad(x: Var, dy: Var, geo: ConvGeometry, wShape: readonly number[], path = weightGradPath(x.shape, dy.shape, geo)): Var {
  const g = x.b;
  const sp = geo.kernel.length;
  const [nb, c] = x.shape as [number, number];
  const cout = dy.shape[1] as number;
  const groups = geo.groups;
  const k = geo.kernel.reduce((a, v) => a * v, 1);
  const pixels = dy.shape.slice(2).reduce((a, v) => a * v, 1);
  const perm = [1, 0, ...geo.kernel.map((_, i) => i + 2)];
  if (path === 'trick') {
    const xp = geo.pads.some((p) => p > 0) ? pad(x, [0, 0, ...geo.pads.slice(0, sp), 0, 0, ...geo.pads.slice(sp)]) : x;
    const r = conv(transpose(xp, perm), transpose(dy, perm), null, { strides: geo.dilations, dilations: geo.strides });
    const cropped = r.shape.slice(2).some((d, i) => d !== geo.kernel[i])
      ? slice(r, { starts: geo.kernel.map(() => 0), ends: [...geo.kernel], axes: geo.kernel.map((_, i) => i + 2) })
      : r;
    return transpose(cropped, perm);
  }
  let cols: Var;
  if (path === 'matmul1x1') {
    cols = reshape(x, [nb, groups, (c / groups) * k, pixels]);
  } else {
    const onehot = new Float32Array(c * k * k);
    for (let ch = 0; ch < c; ch++) for (let j = 0; j < k; j++) onehot[(ch * k + j) * k + j] = 1;
    const kern = g.initializer(g.fresh('im2col_onehot'), onehot, [c * k, 1, ...geo.kernel]);
    const im = conv(x, kern, null, { strides: geo.strides, dilations: geo.dilations, pads: geo.pads, groups: c });
    cols = reshape(im, [nb, groups, (c / groups) * k, pixels]);
  }
  const dyr = reshape(dy, [nb, groups, cout / groups, pixels]);
  const prod = matmul(dyr, transpose(cols, [0, 1, 3, 2]));
  return reshape(reduceSum(prod, [0]), wShape);
}

export const convGrad: GradRule<'conv'> = (e, dy, n) => {
  const [x, w, bias] = e.inputs as [Var, Var, Var | undefined];
  const spatial = dy.shape.map((_, i) => i).filter((i) => i !== 1);
  return [
    n[0] ? convInputGrad(dy, w, e.attrs, x.shape) : null,
    n[1] ? convWeightGrad(x, dy, e.attrs, w.shape) : null,
    ...(bias ? [n[2] ? reduceSum(dy, spatial) : null] : []),
  ];
};

export const convTransposeGrad: GradRule<'convTranspose'> = (e, dy, n) => {
  const [x, w, bias] = e.inputs as [Var, Var, Var | undefined];
  const geo: ConvGeometry = { kernel: e.attrs.kernel, strides: e.attrs.strides, dilations: e.attrs.dilations, pads: e.attrs.pads, groups: e.attrs.groups };
  const spatial = dy.shape.map((_, i) => i).filter((i) => i !== 1);
  return [
    // ConvTranspose is the adjoint of Conv with the same weight, so its dx is that Conv.
    n[0] ? conv(dy, w, null, geo) : null,
    n[1] ? convWeightGrad(dy, x, geo, w.shape) : null,
    ...(bias ? [n[2] ? reduceSum(dy, spatial) : null] : []),
  ];
};
