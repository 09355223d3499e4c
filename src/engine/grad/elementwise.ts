// Gradient rules of the elementwise ops and reductions.
import type { Var } from '../builder.js';
import { add, div, mul, neg, raw, sub } from '../ops/elementwise.js';
import { expandTo, sumToShape } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { GradRule } from './rule.js';

function inputs2(e: { inputs: readonly Var[] }): [Var, Var] {
  return [e.inputs[0] as Var, e.inputs[1] as Var];
}

export const addGrad: GradRule<'add'> = (e, dy, n) => {
  const [a, b] = inputs2(e);
  return [n[0] ? sumToShape(dy, a.shape) : null, n[1] ? sumToShape(dy, b.shape) : null];
};
export const subGrad: GradRule<'sub'> = (e, dy, n) => {
  const [a, b] = inputs2(e);
  return [n[0] ? sumToShape(dy, a.shape) : null, n[1] ? sumToShape(neg(dy), b.shape) : null];
};
export const mulGrad: GradRule<'mul'> = (e, dy, n) => {
  const [a, b] = inputs2(e);
  return [n[0] ? sumToShape(mul(dy, b), a.shape) : null, n[1] ? sumToShape(mul(dy, a), b.shape) : null];
};
export const divGrad: GradRule<'div'> = (e, dy, n) => {
  const [a, b] = inputs2(e);
  return [n[0] ? sumToShape(div(dy, b), a.shape) : null, n[1] ? sumToShape(neg(div(mul(dy, e.output), b)), b.shape) : null];
};
export const maximumGrad: GradRule<'maximum'> = (e, dy, n) => {
  const [a, b] = inputs2(e);
  const m = raw.greaterOrEqual(a, b);
  return [n[0] ? sumToShape(mul(dy, m), a.shape) : null, n[1] ? sumToShape(mul(dy, sub(1, m)), b.shape) : null];
};

export const reluGrad: GradRule<'relu'> = (e, dy) => [mul(dy, raw.sign(e.output))];
export const leakyReluGrad: GradRule<'leakyRelu'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  return [mul(dy, raw.max(raw.sign(x), x.b.constF([e.attrs.alpha], [])))];
};
export const preluGrad: GradRule<'prelu'> = (e, dy, n) => {
  const [x, a] = inputs2(e);
  return [
    n[0] ? mul(dy, raw.max(raw.sign(x), a)) : null,
    n[1] ? sumToShape(mul(dy, raw.min(x, x.b.constF([0], []))), a.shape) : null,
  ];
};
export const sigmoidGrad: GradRule<'sigmoid'> = (e, dy) => [mul(dy, mul(e.output, sub(1, e.output)))];
export const tanhGrad: GradRule<'tanh'> = (e, dy) => [mul(dy, sub(1, mul(e.output, e.output)))];
export const softplusGrad: GradRule<'softplus'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  return [mul(dy, x.b.emit('Sigmoid', [x], {}, x.shape))];
};
export const expGrad: GradRule<'exp'> = (e, dy) => [mul(dy, e.output)];
export const logGrad: GradRule<'log'> = (e, dy) => [div(dy, e.inputs[0] as Var)];
export const sqrtGrad: GradRule<'sqrt'> = (e, dy) => [div(mul(dy, 0.5), e.output)];
export const clampGrad: GradRule<'clamp'> = (e, dy) => [mul(dy, raw.equal(e.output, e.inputs[0] as Var))];

function keptShape(x: Var, axes: readonly number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
export const reduceSumGrad: GradRule<'reduceSum'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  const g = e.attrs.keepDims ? dy : reshape(dy, keptShape(x, e.attrs.axes));
  return [expandTo(g, x.shape)];
};
export const reduceMeanGrad: GradRule<'reduceMean'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  const count = e.attrs.axes.reduce((a, ax) => a * (x.shape[ax] as number), 1);
  const g = e.attrs.keepDims ? dy : reshape(dy, keptShape(x, e.attrs.axes));
  return [expandTo(mul(g, 1 / count), x.shape)];
};

/** Sum of gradient contributions (raw Add). */
export function accumulate(a: Var, b: Var): Var {
  return add(a, b);
}
