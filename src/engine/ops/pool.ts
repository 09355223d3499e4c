// Max and average pooling (2D). MaxPool's gradient scatters through its flat argmax indices
// with ScatterElements-add, which is exact for overlapping windows (unlike MaxUnpool).
import { I, Is } from '../attrs.js';
import type { Var } from '../builder.js';
import type { PoolGeometry } from '../op-kinds.js';
import { ShapeError } from '../../errors.js';

export interface PoolOptions {
  readonly kernel: number | readonly number[];
  /** Default: the kernel size. */
  readonly strides?: number | readonly number[];
  /** One number or ONNX order [begins..., ends...]; default 0. */
  readonly pads?: number | readonly number[];
}

function geometry(x: Var, o: PoolOptions): PoolGeometry {
  const n = x.rank - 2;
  const kernel = typeof o.kernel === 'number' ? Array<number>(n).fill(o.kernel) : [...o.kernel];
  const strides = o.strides === undefined ? [...kernel] : typeof o.strides === 'number' ? Array<number>(n).fill(o.strides) : [...o.strides];
  const pads = o.pads === undefined || typeof o.pads === 'number' ? Array<number>(2 * n).fill(o.pads ?? 0) : [...o.pads];
  if (kernel.length !== n || strides.length !== n || pads.length !== 2 * n) throw new ShapeError(`pool: geometry does not match input [${x.shape}]`);
  return { kernel, strides, pads };
}

function outShape(x: Var, g: PoolGeometry): number[] {
  const n = g.kernel.length;
  const sp = x.shape.slice(2).map((h, i) => {
    const o = Math.floor((h + (g.pads[i] as number) + (g.pads[i + n] as number) - (g.kernel[i] as number)) / (g.strides[i] as number)) + 1;
    if (o < 1) throw new ShapeError(`pool: input size ${h} smaller than kernel ${g.kernel[i]}`);
    return o;
  });
  return [x.shape[0] as number, x.shape[1] as number, ...sp];
}

function attrs(g: PoolGeometry): Record<string, ReturnType<typeof Is>> {
  return { kernel_shape: Is(g.kernel), strides: Is(g.strides), pads: Is(g.pads) };
}

/** Max pooling over the spatial axes of [N, C, ...]. */
export function maxPool(x: Var, o: PoolOptions): Var {
  const geo = geometry(x, o);
  const shape = outShape(x, geo);
  const [y, indices] = x.b.emitN('MaxPool', [x], attrs(geo), [{ shape, dtype: 'float32' }, { shape, dtype: 'int64' }]) as [Var, Var];
  return x.b.record('maxPool', [x], y, { ...geo, indices });
}

/** Average pooling; padded cells count as zeros (count_include_pad = 1). */
export function avgPool(x: Var, o: PoolOptions): Var {
  const geo = geometry(x, o);
  const y = x.b.emit('AveragePool', [x], { ...attrs(geo), count_include_pad: I(1) }, outShape(x, geo));
  return x.b.record('avgPool', [x], y, geo);
}
