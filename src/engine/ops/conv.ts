// Convolution and transposed convolution, 1D and 2D (NC[H]W layout), with stride, dilation,
// padding and groups. Weights: Conv [Cout, Cin/g, k...]; ConvTranspose [Cin, Cout/g, k...].
import { Is } from '../attrs.js';
import type { Var } from '../builder.js';
import type { ConvGeometry } from '../op-kinds.js';
import { ShapeError } from '../../errors.js';

export interface ConvOptions {
  /** Per spatial axis or one number for all (default 1). */
  readonly strides?: number | readonly number[];
  readonly dilations?: number | readonly number[];
  /** One number (same on all sides), or ONNX order [begins..., ends...] (default 0: valid). */
  readonly pads?: number | readonly number[];
  readonly groups?: number;
}

function perAxis(v: number | readonly number[] | undefined, n: number, dflt: number, what: string): number[] {
  if (v === undefined) return Array<number>(n).fill(dflt);
  if (typeof v === 'number') return Array<number>(n).fill(v);
  if (v.length !== n) throw new ShapeError(`${what}: expected ${n} values, got [${v}]`);
  return [...v];
}

/** Resolves options into a full geometry for a weight of spatial size `kernel`. */
export function convGeometry(kernel: readonly number[], o: ConvOptions): ConvGeometry {
  const n = kernel.length;
  const pads = typeof o.pads === 'number' || o.pads === undefined ? Array<number>(2 * n).fill(o.pads ?? 0) : perAxis(o.pads, 2 * n, 0, 'pads');
  return {
    kernel: [...kernel],
    strides: perAxis(o.strides, n, 1, 'strides'),
    dilations: perAxis(o.dilations, n, 1, 'dilations'),
    pads,
    groups: o.groups ?? 1,
  };
}

/** The ONNX attributes of a geometry. */
export function convAttrs(g: ConvGeometry): Record<string, ReturnType<typeof Is>> {
  return {
    kernel_shape: Is(g.kernel), strides: Is(g.strides), dilations: Is(g.dilations), pads: Is(g.pads),
    group: { kind: 'int', value: g.groups },
  };
}

/** Effective kernel extent (k-1)·d+1 on spatial axis i. */
export function kernelExtent(g: ConvGeometry, i: number): number {
  return ((g.kernel[i] as number) - 1) * (g.dilations[i] as number) + 1;
}

/** Conv output spatial sizes for input spatial sizes `sizes`. */
export function convOutSizes(g: ConvGeometry, sizes: readonly number[]): number[] {
  const n = g.kernel.length;
  return sizes.map((h, i) => {
    const o = Math.floor((h + (g.pads[i] as number) + (g.pads[i + n] as number) - kernelExtent(g, i)) / (g.strides[i] as number)) + 1;
    if (o < 1) throw new ShapeError(`conv: input size ${h} is smaller than the kernel extent ${kernelExtent(g, i)}`);
    return o;
  });
}

/** Convolution (cross-correlation, as in ONNX/PyTorch). x: [N, C, ...spatial], w: [Cout, C/g, ...k]. */
export function conv(x: Var, w: Var, bias: Var | null = null, opts: ConvOptions = {}): Var {
  const sp = x.rank - 2;
  if ((sp !== 1 && sp !== 2) || w.rank !== x.rank) throw new ShapeError(`conv: x [${x.shape}] and w [${w.shape}] must both be rank 3 or 4`);
  const geo = convGeometry(w.shape.slice(2), opts);
  const cin = x.shape[1] as number;
  if ((w.shape[1] as number) * geo.groups !== cin) throw new ShapeError(`conv: x has ${cin} channels, w [${w.shape}] with groups ${geo.groups} expects ${(w.shape[1] as number) * geo.groups}`);
  const cout = w.shape[0] as number;
  if (cout % geo.groups !== 0) throw new ShapeError(`conv: ${cout} output channels not divisible by groups ${geo.groups}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== cout)) throw new ShapeError(`conv: bias [${bias.shape}] must be [${cout}]`);
  const out = [x.shape[0] as number, cout, ...convOutSizes(geo, x.shape.slice(2))];
  const y = x.b.emit('Conv', bias ? [x, w, bias] : [x, w], convAttrs(geo), out);
  return x.b.record('conv', bias ? [x, w, bias] : [x, w], y, geo);
}

export interface ConvTransposeOptions extends ConvOptions {
  readonly outputPadding?: number | readonly number[];
}

/** Output sizes of a transposed convolution. */
export function convTransposeOutSizes(g: ConvGeometry, outputPadding: readonly number[], sizes: readonly number[]): number[] {
  const n = g.kernel.length;
  return sizes.map((h, i) => (g.strides[i] as number) * (h - 1) + (outputPadding[i] as number) + kernelExtent(g, i) - (g.pads[i] as number) - (g.pads[i + n] as number));
}

/** Transposed convolution. x: [N, Cin, ...], w: [Cin, Cout/g, ...k]. */
export function convTranspose(x: Var, w: Var, bias: Var | null = null, opts: ConvTransposeOptions = {}): Var {
  const sp = x.rank - 2;
  if ((sp !== 1 && sp !== 2) || w.rank !== x.rank) throw new ShapeError(`convTranspose: x [${x.shape}] and w [${w.shape}] must both be rank 3 or 4`);
  const geo = convGeometry(w.shape.slice(2), opts);
  const outputPadding = perAxis(opts.outputPadding, sp, 0, 'outputPadding');
  if (w.shape[0] !== x.shape[1]) throw new ShapeError(`convTranspose: x has ${x.shape[1]} channels, w [${w.shape}] expects ${w.shape[0]}`);
  const cout = (w.shape[1] as number) * geo.groups;
  const out = [x.shape[0] as number, cout, ...convTransposeOutSizes(geo, outputPadding, x.shape.slice(2))];
  if (out.some((d) => d < 1)) throw new ShapeError(`convTranspose: output shape [${out}] is empty`);
  const inputs = bias ? [x, w, bias] : [x, w];
  const y = x.b.emit('ConvTranspose', inputs, { ...convAttrs(geo), output_padding: Is(outputPadding) }, out);
  return x.b.record('convTranspose', inputs, y, { ...geo, outputPadding });
}
