// Training checkpoints: parameters, BN state, optimizer slots and step in one binary file, so
// training resumes exactly. Layout (little-endian): "CRYOCKPT", u32 version, u32 header bytes,
// JSON header {step, optimizer, meta, tensors:[{name, group, shape, offset}]}, padding to 4, float32 data.
import { readFile } from 'node:fs/promises';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { OptimizerConfig } from './optimizers.js';
import type { ParamStore } from './params.js';
import type { OptimizerState, TrainStep } from './train-step.js';

const MAGIC = 'CRYOCKPT';
const VERSION = 1;

interface TensorRecord {
  readonly name: string;
  readonly group: 'param' | 'slot';
  readonly shape: readonly number[];
  /** Offset in float32 elements from the start of the data section. */
  readonly offset: number;
}

export interface Checkpoint {
  readonly step: number;
  readonly optimizer: OptimizerConfig | null;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly params: Map<string, Float32Array>;
  readonly slots: Map<string, Float32Array>;
}

/** Encodes a checkpoint into bytes. */
export function encodeCheckpoint(c: Checkpoint, shapes: ReadonlyMap<string, readonly number[]>): Uint8Array {
  const tensors: TensorRecord[] = [];
  let offset = 0;
  const push = (name: string, group: 'param' | 'slot', data: Float32Array): void => {
    tensors.push({ name, group, shape: shapes.get(group === 'slot' ? (name.split('::')[0] as string) : name) ?? [data.length], offset });
    offset += data.length;
  };
  for (const [k, v] of c.params) push(k, 'param', v);
  for (const [k, v] of c.slots) push(k, 'slot', v);
  const header = new TextEncoder().encode(JSON.stringify({ step: c.step, optimizer: c.optimizer, meta: c.meta, tensors }));
  const start = Math.ceil((16 + header.length) / 4) * 4;
  const bytes = new Uint8Array(start + offset * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, 16);
  const data = new Float32Array(bytes.buffer, start, offset);
  let i = 0;
  for (const v of [...c.params.values(), ...c.slots.values()]) {
    data.set(v, i);
    i += v.length;
  }
  return bytes;
}

/** Decodes checkpoint bytes; `path` is used in error messages. @throws FormatError */
export function decodeCheckpoint(bytes: Uint8Array, path: string): Checkpoint {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new FormatError({ path, byteOffset: 0 }, `expected a cryopick checkpoint (magic ${MAGIC})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw new FormatError({ path, byteOffset: 8 }, `checkpoint version ${version}, this cryopick reads version ${VERSION}`);
  const hlen = view.getUint32(12, true);
  if (16 + hlen > bytes.length) throw new FormatError({ path, byteOffset: 12 }, `header of ${hlen} bytes runs past the end of the file (${bytes.length} bytes)`);
  let header: { step: number; optimizer: OptimizerConfig | null; meta: Record<string, unknown>; tensors: TensorRecord[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hlen))) as typeof header;
  } catch {
    throw new FormatError({ path, byteOffset: 16 }, 'checkpoint header is not valid JSON');
  }
  const start = Math.ceil((16 + hlen) / 4) * 4;
  const total = (bytes.length - start) / 4;
  const all = new Float32Array(bytes.slice(start).buffer);
  const params = new Map<string, Float32Array>();
  const slots = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, c) => a * c, 1);
    if (t.offset + n > total) throw new FormatError({ path, byteOffset: start + t.offset * 4 }, `tensor ${t.name} runs past the end of the file (truncated?)`);
    (t.group === 'param' ? params : slots).set(t.name, all.slice(t.offset, t.offset + n));
  }
  return { step: header.step, optimizer: header.optimizer, meta: header.meta ?? {}, params, slots };
}

/** Saves the store (and the train step's optimizer state, if given). Atomic; overwrites only if told. */
export async function saveCheckpoint(path: string, store: ParamStore, step?: TrainStep, meta: Record<string, unknown> = {}, opts: { overwrite?: boolean } = {}): Promise<void> {
  const shapes = new Map([...store.entries].map(([k, e]) => [k, e.shape]));
  const c: Checkpoint = {
    step: step?.state.step ?? 0,
    optimizer: step?.optimizer ?? null,
    meta,
    params: store.values(),
    slots: step ? new Map(step.state.slots) : new Map(),
  };
  await writeFileAtomic(path, encodeCheckpoint(c, shapes), opts);
}

/** Reads a checkpoint file. @throws FormatError */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(new Uint8Array(await readFile(path)), path);
}

/** Loads checkpointed parameters into the store. @throws FormatError when they do not fit the model. */
export function restoreParams(store: ParamStore, params: ReadonlyMap<string, Float32Array>, path = 'checkpoint'): void {
  try {
    store.load(params);
  } catch (err) {
    throw new FormatError({ path }, `does not fit this model: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Copies saved optimizer slots and the step count into a train step's state. @throws FormatError on a missing or mis-sized slot. */
export function restoreOptimizerState(state: OptimizerState, slots: ReadonlyMap<string, Float32Array>, step: number, path = 'checkpoint'): void {
  for (const k of state.slots.keys()) {
    const v = slots.get(k);
    if (!v || v.length !== state.slots.get(k)?.length) throw new FormatError({ path }, `optimizer state ${k} is missing or has the wrong size`);
    state.slots.set(k, Float32Array.from(v));
  }
  state.step = step;
}

/** Restores parameters into the store and optimizer state into the step (if given). @throws FormatError */
export function restoreCheckpoint(c: Checkpoint, store: ParamStore, step?: TrainStep, path = 'checkpoint'): void {
  restoreParams(store, c.params, path);
  if (!step) return;
  if (JSON.stringify(c.optimizer) !== JSON.stringify(step.optimizer)) {
    throw new FormatError({ path }, `optimizer ${JSON.stringify(c.optimizer)} differs from the train step's ${JSON.stringify(step.optimizer)}`);
  }
  restoreOptimizerState(step.state, c.slots, c.step, path);
}
