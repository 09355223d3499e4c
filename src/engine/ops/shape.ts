// Shape ops: reshape, transpose, concat, slice, pad and nearest-neighbour resize.
import { I, Is, S } from '../attrs.js';
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';

/** Reshape; one dimension may be -1. */
export function reshape(x: Var, shape: readonly number[]): Var {
  const known = shape.filter((d) => d !== -1).reduce((a, c) => a * c, 1);
  const out = shape.map((d) => (d === -1 ? x.size / known : d));
  if (out.reduce((a, c) => a * c, 1) !== x.size || out.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(`cannot reshape [${x.shape}] to [${shape}]`);
  }
  const y = x.b.emit('Reshape', [x, x.b.constI(out)], {}, out);
  return x.b.record('reshape', [x], y, {});
}

/** Permutes axes. */
export function transpose(x: Var, perm: readonly number[]): Var {
  if (perm.length !== x.rank) throw new ShapeError(`transpose: perm [${perm}] for rank ${x.rank}`);
  const out = perm.map((p) => x.shape[p] as number);
  const y = x.b.emit('Transpose', [x], { perm: Is(perm) }, out);
  return x.b.record('transpose', [x], y, { perm: [...perm] });
}

/** Concatenates along `axis`. */
export function concat(xs: readonly Var[], axis: number): Var {
  const first = xs[0];
  if (!first) throw new RangeError('concat needs at least one tensor');
  const ax = axis < 0 ? axis + first.rank : axis;
  const out = [...first.shape];
  out[ax] = xs.reduce((a, v) => a + (v.shape[ax] as number), 0);
  const y = first.b.emit('Concat', xs, { axis: I(ax) }, out);
  return first.b.record('concat', xs, y, { axis: ax });
}

export interface SliceSpec {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Axes the starts/ends refer to (default 0..n-1). */
  readonly axes?: readonly number[];
  /** Positive steps (default 1). */
  readonly steps?: readonly number[];
}

/** Slices with static bounds (negative bounds count from the end; steps must be positive). */
export function slice(x: Var, spec: SliceSpec): Var {
  const starts = x.shape.map(() => 0);
  const steps = x.shape.map(() => 1);
  const out = [...x.shape];
  const ends = [...x.shape];
  spec.starts.forEach((s0, j) => {
    const ax0 = spec.axes?.[j] ?? j;
    const ax = ax0 < 0 ? ax0 + x.rank : ax0;
    const dim = x.shape[ax] as number;
    const step = spec.steps?.[j] ?? 1;
    if (step < 1) throw new RangeError('slice steps must be positive');
    const clampIdx = (v: number): number => Math.min(dim, Math.max(0, v < 0 ? v + dim : v));
    const s = clampIdx(s0);
    const e = clampIdx(spec.ends[j] ?? dim);
    if (e <= s) throw new ShapeError(`slice of axis ${ax} (size ${dim}) from ${s0} to ${spec.ends[j]} is empty`);
    starts[ax] = s;
    ends[ax] = e;
    steps[ax] = step;
    out[ax] = Math.ceil((e - s) / step);
  });
  const g = x.b;
  // Ends are emitted relative to the end of each axis so that graphs exported with symbolic
  // spatial sizes (the filled inference net) stay valid for any input size.
  const relEnds = ends.map((e, i) => (e === x.shape[i] ? 2 ** 53 - 1 : e - (x.shape[i] as number)));
  const y = g.emit('Slice', [x, g.constI(starts), g.constI(relEnds), g.constI(x.shape.map((_, i) => i)), g.constI(steps)], {}, out);
  return g.record('slice', [x], y, { starts, steps });
}

export type PadMode = 'constant' | 'reflect' | 'edge';

/** Pads with ONNX-order pads (all begins, then all ends); only constant mode is differentiable. */
export function pad(x: Var, pads: readonly number[], value = 0, mode: PadMode = 'constant'): Var {
  if (pads.length !== 2 * x.rank) throw new ShapeError(`pad: ${pads.length} pads for rank ${x.rank}`);
  const out = x.shape.map((d, i) => d + (pads[i] as number) + (pads[i + x.rank] as number));
  const g = x.b;
  const y = g.emit('Pad', [x, g.constI(pads), g.constF([value], [])], { mode: S(mode) }, out);
  if (mode !== 'constant') {
    if (g.recording && x.requiresGrad) throw new RangeError(`pad mode ${mode} has no gradient rule; use constant`);
    return y;
  }
  if (pads.some((p) => p < 0)) {
    if (g.recording && x.requiresGrad) throw new RangeError('negative pads have no gradient rule; use slice');
    return y;
  }
  return g.record('pad', [x], y, { pads: [...pads] });
}

/** Nearest-neighbour upsampling by integer factors per axis (1 for N and C). */
export function resize(x: Var, scales: readonly number[]): Var {
  if (scales.length !== x.rank || scales.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`resize: scales [${scales}] must be positive integers, one per axis`);
  }
  const g = x.b;
  const out = x.shape.map((d, i) => d * (scales[i] as number));
  const y = g.emit('Resize', [x, null, g.constF(scales)], {
    mode: S('nearest'), coordinate_transformation_mode: S('asymmetric'), nearest_mode: S('floor'),
  }, out);
  return g.record('resize', [x], y, { scales: [...scales] });
}
