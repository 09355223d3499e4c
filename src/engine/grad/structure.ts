// Gradient rules of the shape ops: reshape, transpose, concat, slice, pad, resize.
import type { Var } from '../builder.js';
import { reduceSum } from '../ops/reduce.js';
import { pad, reshape, slice, transpose } from '../ops/shape.js';
import type { GradRule } from './rule.js';

export const reshapeGrad: GradRule<'reshape'> = (e, dy) => [reshape(dy, (e.inputs[0] as Var).shape)];

export const transposeGrad: GradRule<'transpose'> = (e, dy) => {
  const inv = e.attrs.perm.map((_, i) => e.attrs.perm.indexOf(i));
  return [transpose(dy, inv)];
};

export const concatGrad: GradRule<'concat'> = (e, dy, n) => {
  let offset = 0;
  return e.inputs.map((v, i) => {
    const d = v.shape[e.attrs.axis] as number;
    const s = offset;
    offset += d;
    return n[i] ? slice(dy, { starts: [s], ends: [s + d], axes: [e.attrs.axis] }) : null;
  });
};

/** Scatters dy back into the sliced positions: per strided axis, interleave zeros, then pad. */
export const sliceGrad: GradRule<'slice'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  let g = dy;
  for (let ax = 0; ax < x.rank; ax++) {
    const step = e.attrs.steps[ax] as number;
    if (step === 1) continue;
    const shape = [...g.shape];
    const withStep = [...shape.slice(0, ax + 1), 1, ...shape.slice(ax + 1)];
    const spread = pad(reshape(g, withStep), withStep.map((_, i) => 0).concat(withStep.map((_, i) => (i === ax + 1 ? step - 1 : 0))));
    const merged = [...shape];
    merged[ax] = (shape[ax] as number) * step;
    g = reshape(spread, merged);
  }
  const begins: number[] = [];
  const ends: number[] = [];
  let crop = false;
  x.shape.forEach((dim, ax) => {
    const start = e.attrs.starts[ax] as number;
    const have = g.shape[ax] as number;
    begins.push(start);
    const after = dim - start - have;
    if (after < 0) crop = true;
    ends.push(after);
  });
  if (crop) {
    g = slice(g, { starts: x.shape.map(() => 0), ends: x.shape.map((d, ax) => Math.min(g.shape[ax] as number, d - (e.attrs.starts[ax] as number))) });
    return [pad(g, [...begins, ...ends.map((v, ax) => Math.max(0, x.shape[ax]! - begins[ax]! - (g.shape[ax] as number)))])];
  }
  return [pad(g, [...begins, ...ends])];
};

export const padGrad: GradRule<'pad'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  const begins = e.attrs.pads.slice(0, x.rank);
  return [slice(dy, { starts: begins, ends: x.shape.map((d, i) => (begins[i] as number) + d) })];
};

export const resizeGrad: GradRule<'resize'> = (e, dy) => {
  const x = e.inputs[0] as Var;
  const split: number[] = [];
  const sumAxes: number[] = [];
  x.shape.forEach((d, i) => {
    split.push(d, e.attrs.scales[i] as number);
    sumAxes.push(2 * i + 1);
  });
  return [reshape(reduceSum(reshape(dy, split), sumAxes), x.shape)];
};
