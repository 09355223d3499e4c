// Serialises a built graph to ONNX ModelProto bytes with onnx-proto (ONNX 1.10 schema, IR 8,
// default-domain opset 17). Parameters go in as graph inputs (train step) or initializers (export).
import onnxProto from 'onnx-proto';
import type { AttrValue } from './attrs.js';
import type { DType, GraphBuilder, Initializer, Var } from './builder.js';

const { onnx } = onnxProto;
type INode = import('onnx-proto').onnx.INodeProto;
type IAttr = import('onnx-proto').onnx.IAttributeProto;
type ITensor = import('onnx-proto').onnx.ITensorProto;
type IValueInfo = import('onnx-proto').onnx.IValueInfoProto;

export const OPSET = 17;
const ELEM: Record<DType, number> = { float32: 1, int64: 7, bool: 9 };

export interface SerializeOptions {
  /** Graph outputs by name (an Identity node renames each value). */
  readonly outputs: Readonly<Record<string, Var>>;
  /** Parameter values to embed as initializers; parameters without a value become graph inputs. */
  readonly paramValues?: ReadonlyMap<string, Float32Array>;
  /** Symbolic dimensions for inputs/outputs by name, e.g. { image: ['N', 1, 'H', 'W'] }. */
  readonly dims?: Readonly<Record<string, readonly (string | number)[]>>;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly graphName?: string;
}

function attrProto(name: string, a: AttrValue): IAttr {
  switch (a.kind) {
    case 'float': return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: a.value };
    case 'int': return { name, type: onnx.AttributeProto.AttributeType.INT, i: a.value };
    case 'floats': return { name, type: onnx.AttributeProto.AttributeType.FLOATS, floats: [...a.value] };
    case 'ints': return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...a.value] };
    case 'string': return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(a.value) };
    default: {
      const never: never = a;
      throw new Error(`unknown attribute ${String(never)}`);
    }
  }
}

function tensorProto(t: Initializer): ITensor {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name: t.name, dims: [...t.shape], dataType: ELEM[t.dtype], rawData: bytes };
}

function valueInfo(name: string, dtype: DType, shape: readonly (string | number)[]): IValueInfo {
  return {
    name,
    type: { tensorType: { elemType: ELEM[dtype], shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** Builds the ONNX model bytes. */
export function serializeGraph(b: GraphBuilder, o: SerializeOptions): Uint8Array {
  const nodes: INode[] = b.nodes.map((n) => ({
    opType: n.op,
    input: [...n.inputs],
    output: [...n.outputs],
    name: n.outputs[0] ?? n.op,
    attribute: Object.entries(n.attrs).map(([k, v]) => attrProto(k, v)),
    ...(n.domain !== undefined ? { domain: n.domain } : {}),
  }));
  const used = new Set<string>();
  for (const n of b.nodes) for (const i of n.inputs) used.add(i);
  const outputs: IValueInfo[] = [];
  for (const [name, v] of Object.entries(o.outputs)) {
    used.add(v.name);
    nodes.push({ opType: 'Identity', input: [v.name], output: [name], name: `out_${name}` });
    outputs.push(valueInfo(name, v.dtype, o.dims?.[name] ?? v.shape));
  }
  const inputs: IValueInfo[] = b.inputs.map((v) => valueInfo(v.name, v.dtype, o.dims?.[v.name] ?? v.shape));
  const initializers: ITensor[] = [];
  for (const t of b.initializers.values()) if (used.has(t.name)) initializers.push(tensorProto(t));
  for (const [name, p] of b.params) {
    if (!used.has(name)) continue;
    const value = o.paramValues?.get(name);
    if (value) initializers.push(tensorProto({ name, dtype: 'float32', shape: p.var.shape, data: value }));
    else inputs.push(valueInfo(name, 'float32', p.var.shape));
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'cryopick',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: o.graphName ?? 'cryopick', node: nodes, input: inputs, output: outputs, initializer: initializers },
    metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Parsed pieces of an ONNX file that cryopick needs back: metadata and float initializers. */
export interface ParsedModel {
  readonly metadata: Record<string, string>;
  readonly initializers: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Decodes ONNX model bytes into metadata and float32 initializers. */
export function parseModel(bytes: Uint8Array): ParsedModel {
  const m = onnx.ModelProto.decode(bytes);
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps) if (p.key) metadata[p.key] = p.value ?? '';
  const initializers = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of m.graph?.initializer ?? []) {
    if (t.dataType !== 1 || !t.name) continue;
    const shape = (t.dims ?? []).map((d) => Number(d));
    let data: Float32Array;
    if (t.rawData && t.rawData.length) data = new Float32Array(Uint8Array.prototype.slice.call(t.rawData).buffer);
    else data = Float32Array.from(t.floatData ?? []);
    initializers.set(t.name, { shape, data });
  }
  return { metadata, initializers };
}
