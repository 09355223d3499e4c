// Stores a float32 inference model in the dtype the config asks for: every float weight becomes a
// float16 or float64 initializer followed by a Cast to float32, and the input x takes that dtype
// (cast on entry). ONNX Runtime's CPU kernels then compute in float32, the documented behaviour.
import onnxProto from 'onnx-proto';
import { floatToHalf } from '../io/mrc-float16.js';
import type { StorageDType } from './dataset-store.js';

const { onnx } = onnxProto;
const FLOAT = 1, FLOAT16 = 10, DOUBLE = 11;
const CODE: Record<StorageDType, number> = { float16: FLOAT16, float32: FLOAT, float64: DOUBLE };

function encodeAs(data: Float32Array, dtype: StorageDType): Uint8Array {
  if (dtype === 'float64') return new Uint8Array(Float64Array.from(data).buffer);
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = floatToHalf(data[i] as number);
  return new Uint8Array(out.buffer);
}

/** Rewrites model bytes so weights and the input `x` are stored as `dtype` (no-op for float32). */
export function storeModelAs(bytes: Uint8Array, dtype: StorageDType): Uint8Array {
  if (dtype === 'float32') return bytes;
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph as InstanceType<typeof onnx.GraphProto>;
  const casts: InstanceType<typeof onnx.NodeProto>[] = [];
  for (const t of g.initializer) {
    if (t.dataType !== FLOAT || !t.name || (t.dims ?? []).reduce((a, d) => a * Number(d), 1) < 2) continue;
    const raw = t.rawData && t.rawData.length ? new Float32Array(Uint8Array.prototype.slice.call(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
    const stored = `${t.name}__${dtype}`;
    casts.push(onnx.NodeProto.create({ opType: 'Cast', input: [stored], output: [t.name], name: `cast_${t.name}`, attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] }));
    t.name = stored;
    t.dataType = CODE[dtype];
    t.rawData = encodeAs(raw, dtype);
    t.floatData = [];
  }
  for (const n of g.node) n.input = (n.input ?? []).map((i) => (i === 'x' ? 'x_f32' : i));
  for (const input of g.input) if (input.name === 'x' && input.type?.tensorType) input.type.tensorType.elemType = CODE[dtype];
  casts.push(onnx.NodeProto.create({ opType: 'Cast', input: ['x'], output: ['x_f32'], name: 'cast_x', attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] }));
  g.node = [...casts, ...g.node];
  return onnx.ModelProto.encode(m).finish();
}
