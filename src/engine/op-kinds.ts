// The registry of differentiable op kinds and the attributes each records on the tape.
// The gradient table in grad/table.ts must have exactly one rule per kind listed here.
import type { Var } from './builder.js';

export interface ConvGeometry {
  /** Spatial kernel size per axis. */
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** ONNX order: all begins, then all ends. */
  readonly pads: readonly number[];
  readonly groups: number;
}

export interface PoolGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
}

type None = Readonly<Record<string, never>>;

export interface OpAttrs {
  add: None;
  sub: None;
  mul: None;
  div: None;
  maximum: None;
  relu: None;
  leakyRelu: { readonly alpha: number };
  prelu: None;
  sigmoid: None;
  tanh: None;
  softplus: None;
  exp: None;
  log: None;
  sqrt: None;
  clamp: { readonly min: number; readonly max: number };
  reduceSum: { readonly axes: readonly number[]; readonly keepDims: boolean };
  reduceMean: { readonly axes: readonly number[]; readonly keepDims: boolean };
  conv: ConvGeometry;
  convTranspose: ConvGeometry & { readonly outputPadding: readonly number[] };
  batchNormTrain: { readonly eps: number; readonly mean: Var; readonly variance: Var };
  maxPool: PoolGeometry & { readonly indices: Var };
  avgPool: PoolGeometry;
  matmul: None;
  gemm: { readonly transB: boolean };
  reshape: None;
  transpose: { readonly perm: readonly number[] };
  concat: { readonly axis: number };
  slice: { readonly starts: readonly number[]; readonly steps: readonly number[] };
  pad: { readonly pads: readonly number[] };
  dropout: { readonly keep: number; readonly mask: Var };
  softmax: { readonly axis: number };
  logSoftmax: { readonly axis: number };
  resize: { readonly scales: readonly number[] };
}

export type OpKind = keyof OpAttrs;
