// Compiles a graph's outputs into a runnable forward pass (evaluation or inference) whose
// parameters are fed from a ParamStore at run time, so it always sees the latest weights.
import type { GraphBuilder, Var } from './builder.js';
import { serializeGraph } from './onnx-serialize.js';
import type { ParamStore } from './params.js';
import type { RuntimeOptions, TensorData } from './runtime.js';
import { Session } from './runtime.js';
import { ShapeError } from '../errors.js';

/** A value fed to a graph input: a typed array of the input's static size, or a number for a scalar. */
export type Feed = Float32Array | BigInt64Array | number;

/** Converts user feeds for the listed inputs into runtime tensors, checking sizes. */
export function toTensors(inputs: readonly Var[], feeds: Readonly<Record<string, Feed>>): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  const missing: string[] = [];
  for (const v of inputs) {
    const f = feeds[v.name];
    if (f === undefined) {
      missing.push(v.name);
      continue;
    }
    const data = typeof f === 'number' ? Float32Array.of(f) : f;
    if (data.length !== v.size) throw new ShapeError(`input ${v.name}: ${data.length} values, expected ${v.size} for shape [${v.shape}]`);
    out[v.name] = { data, dims: v.shape };
  }
  if (missing.length) throw new RangeError(`missing graph inputs: ${missing.join(', ')}`);
  return out;
}

/** A compiled forward graph. */
export class CompiledForward {
  constructor(
    private readonly session: Session,
    private readonly inputs: readonly Var[],
    private readonly paramNames: readonly string[],
    private readonly store: ParamStore,
    readonly modelBytes: Uint8Array,
  ) {}

  /** Runs with the store's current parameters; returns every output as a Float32Array. */
  async run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, Float32Array>> {
    const t = toTensors(this.inputs, feeds);
    for (const name of this.paramNames) {
      const e = this.store.entries.get(name);
      if (!e) throw new RangeError(`parameter ${name} missing from the store`);
      t[name] = { data: e.data, dims: e.shape };
    }
    const res = await this.session.run(t);
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(res)) if (v.data instanceof Float32Array) out[k] = v.data;
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Compiles `outputs` of builder b; parameters are graph inputs fed from `store`. */
export async function compileForward(b: GraphBuilder, outputs: Readonly<Record<string, Var>>, store: ParamStore, runtime: RuntimeOptions = {}): Promise<CompiledForward> {
  const bytes = serializeGraph(b, { outputs });
  const session = await Session.create(bytes, runtime);
  const fed = new Set(session.inputNames);
  const paramNames = [...b.params.keys()].filter((n) => fed.has(n));
  return new CompiledForward(session, b.inputs.filter((v) => fed.has(v.name)), paramNames, store, bytes);
}
