// Gradient rules of batch normalisation (closed form, engine-onnx.md §3), pooling, dropout,
// softmax and matrix products.
import { F } from '../attrs.js';
import type { Var } from '../builder.js';
import { add, div, mul, neg, sqrt, sub } from '../ops/elementwise.js';
import { convTranspose } from '../ops/conv.js';
import { matmul } from '../ops/misc.js';
import { channelView } from '../ops/norm.js';
import { expandTo, reduceSum, sumToShape } from '../ops/reduce.js';
import { reshape, transpose } from '../ops/shape.js';
import type { GradRule } from './rule.js';

/** dx = A·dy + B·x + C per channel; B·x + C runs as one inference-mode BN op. */
export const batchNormTrainGrad: GradRule<'batchNormTrain'> = (e, dy, n) => {
  const [x, gamma] = e.inputs as [Var, Var, Var];
  const g = x.b;
  const c = x.shape[1] as number;
  const count = x.size / c;
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const { mean, variance, eps } = e.attrs;
  const sInv = div(1, sqrt(add(variance, eps)));
  const dbeta = reduceSum(dy, axes);
  const sdyx = reduceSum(mul(dy, x), axes);
  const dgamma = mul(sub(sdyx, mul(mean, dbeta)), sInv);
  let dx: Var | null = null;
  if (n[0]) {
    const a = mul(gamma, sInv);
    const bCoef = neg(div(mul(mul(a, sInv), dgamma), count));
    const cCoef = sub(neg(div(mul(a, dbeta), count)), mul(bCoef, mean));
    const affine = g.emit('BatchNormalization', [x, bCoef, cCoef, g.constF(new Float32Array(c), [c]), g.constF(new Float32Array(c).fill(1 - eps), [c])], { epsilon: F(eps) }, x.shape);
    dx = add(mul(dy, channelView(a, x.rank)), affine);
  }
  return [dx, n[1] ? dgamma : null, n[2] ? dbeta : null];
};

export const maxPoolGrad: GradRule<'maxPool'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  const g = x.b;
  const zeros = expandTo(g.constF([0], [1]), [x.size]);
  const flatIdx = reshape(e.attrs.indices, [dy.size]);
  const flatDy = reshape(dy, [dy.size]);
  const scattered = g.emit('ScatterElements', [zeros, flatIdx, flatDy], { axis: { kind: 'int', value: 0 }, reduction: { kind: 'string', value: 'add' } }, [x.size]);
  return [reshape(scattered, x.shape)];
};

export const avgPoolGrad: GradRule<'avgPool'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  const g = x.b;
  const c = x.shape[1] as number;
  const k = e.attrs.kernel.reduce((a, v) => a * v, 1);
  const kern = g.constF(new Float32Array(c * k).fill(1 / k), [c, 1, ...e.attrs.kernel]);
  const sp = e.attrs.kernel.length;
  const outputPadding = x.shape.slice(2).map((h, i) => (h + (e.attrs.pads[i] as number) + (e.attrs.pads[i + sp] as number) - (e.attrs.kernel[i] as number)) % (e.attrs.strides[i] as number));
  return [convTranspose(dy, kern, null, { strides: e.attrs.strides, pads: e.attrs.pads, groups: c, outputPadding })];
};

export const dropoutGrad: GradRule<'dropout'> = (e, dy) => [mul(dy, e.attrs.mask)];

export const softmaxGrad: GradRule<'softmax'> = (e, dy) => {
  const y = e.output;
  return [mul(y, sub(dy, reduceSum(mul(dy, y), [e.attrs.axis], true)))];
};

/** y = x − logΣexp(x): dx = dy − softmax(x)·Σdy, with softmax recovered as exp(y). */
export const logSoftmaxGrad: GradRule<'logSoftmax'> = (e, dy) => {
  const y = e.output;
  const sm = y.b.emit('Exp', [y], {}, y.shape);
  return [sub(dy, mul(sm, reduceSum(dy, [e.attrs.axis], true)))];
};

function swapLast(v: Var): Var {
  const perm = v.shape.map((_, i) => i);
  perm[v.rank - 1] = v.rank - 2;
  perm[v.rank - 2] = v.rank - 1;
  return transpose(v, perm);
}

export const matmulGrad: GradRule<'matmul'> = (e, dy, n) => {
  const [a, b] = e.inputs as [Var, Var];
  return [n[0] ? sumToShape(matmul(dy, swapLast(b)), a.shape) : null, n[1] ? sumToShape(matmul(swapLast(a), dy), b.shape) : null];
};

export const gemmGrad: GradRule<'gemm'> = (e, dy, n) => {
  const [x, w, bias] = e.inputs as [Var, Var, Var | undefined];
  const t = e.attrs.transB;
  return [
    n[0] ? matmul(dy, t ? w : swapLast(w)) : null,
    n[1] ? (t ? matmul(swapLast(dy), x) : matmul(swapLast(x), dy)) : null,
    ...(bias ? [n[2] ? reduceSum(dy, [0]) : null] : []),
  ];
};
