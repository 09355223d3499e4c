// Training checkpoints, the one format: every weight and state tensor of a ParamStore plus the
// optimizer's slots and step (and the caller's random state and notes) in one file: "CPCK1\n",
// a JSON header line (step, names, shapes, offsets), padding to 4 bytes, little-endian float32 data.
import { readFile } from 'node:fs/promises';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { OptimizerConfig } from './optimizers.js';
import type { ParamStore } from './params.js';
import type { OptimizerState, TrainStep } from './train-step.js';

const MAGIC = 'CPCK1\n';
const SLOT = 'opt:';

export interface Checkpoint {
  readonly step: number;
  /** The caller's random state after the checkpointed step (a batch sampler's; absent in older files). */
  readonly rngState?: number;
  /** The optimizer the slots belong to (absent in files written by training before it was recorded). */
  readonly optimizer?: OptimizerConfig;
  readonly meta: Readonly<Record<string, unknown>>;
  /** Weights and state tensors by name. */
  readonly params: Map<string, Float32Array>;
  /** Optimizer slots by name. */
  readonly slots: Map<string, Float32Array>;
}

/** What is saved besides the store: optimizer state and configuration, random state, notes. */
export interface CheckpointExtras {
  readonly optimizer?: OptimizerConfig;
  readonly rngState?: number;
  readonly meta?: Record<string, unknown>;
}

interface Entry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

/** Encodes the store's tensors and (if given) the optimizer state. */
export function encodeCheckpoint(store: ParamStore, state?: OptimizerState, extras: CheckpointExtras = {}): Uint8Array {
  const tensors: [string, readonly number[], Float32Array][] = [];
  for (const [k, e] of store.entries) tensors.push([k, e.shape, e.data]);
  if (state) for (const [k, v] of state.slots) tensors.push([`${SLOT}${k}`, [v.length], v]);
  let offset = 0;
  const entries: Entry[] = tensors.map(([name, shape, data]) => {
    const r = { name, shape, offset, length: data.length };
    offset += data.length;
    return r;
  });
  const head = {
    step: state?.step ?? 0,
    ...(extras.rngState === undefined ? {} : { rngState: extras.rngState }),
    ...(extras.optimizer === undefined ? {} : { optimizer: extras.optimizer }),
    ...(extras.meta === undefined ? {} : { meta: extras.meta }),
    entries,
  };
  const header = new TextEncoder().encode(`${MAGIC}${JSON.stringify(head)}\n`);
  const pad = (4 - (header.length % 4)) % 4;
  const out = new Uint8Array(header.length + pad + offset * 4);
  out.set(header);
  out.fill(0x20, header.length, header.length + pad);
  const body = new Float32Array(out.buffer, header.length + pad, offset);
  for (const [i, [, , data]] of tensors.entries()) body.set(data, (entries[i] as Entry).offset);
  return out;
}

/** Decodes a checkpoint. @throws FormatError naming `path` when the bytes are not one. */
export function decodeCheckpoint(bytes: Uint8Array, path = 'checkpoint'): Checkpoint {
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const second = text.indexOf('\n', MAGIC.length);
  if (!text.startsWith(MAGIC) || second < 0) throw new FormatError({ path, byteOffset: 0 }, 'not a cryopick training checkpoint (expected the CPCK1 header)');
  let head: { step: number; rngState?: number; optimizer?: OptimizerConfig; meta?: Record<string, unknown>; entries: Entry[] };
  try {
    head = JSON.parse(text.slice(MAGIC.length, second)) as typeof head;
  } catch {
    throw new FormatError({ path, byteOffset: MAGIC.length }, 'checkpoint header is not valid JSON');
  }
  let start = new TextEncoder().encode(text.slice(0, second + 1)).length;
  start += (4 - (start % 4)) % 4;
  const body = new Float32Array(bytes.slice(start, start + Math.floor((bytes.length - start) / 4) * 4).buffer);
  const params = new Map<string, Float32Array>();
  const slots = new Map<string, Float32Array>();
  for (const e of head.entries) {
    if (e.offset + e.length > body.length) throw new FormatError({ path }, `truncated: tensor ${e.name} needs ${e.offset + e.length} floats, the file holds ${body.length}`);
    const data = body.slice(e.offset, e.offset + e.length);
    if (e.name.startsWith(SLOT)) slots.set(e.name.slice(SLOT.length), data);
    else params.set(e.name, data);
  }
  return {
    step: head.step, meta: head.meta ?? {}, params, slots,
    ...(head.rngState === undefined ? {} : { rngState: head.rngState }),
    ...(head.optimizer === undefined ? {} : { optimizer: head.optimizer }),
  };
}

/** Saves the store (and the train step's optimizer state, if given). Atomic; overwrites only if told. */
export async function saveCheckpoint(path: string, store: ParamStore, step?: TrainStep, extras: Omit<CheckpointExtras, 'optimizer'> = {}, opts: { overwrite?: boolean } = {}): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(store, step?.state, step ? { ...extras, optimizer: step.optimizer } : extras), opts);
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
  if (c.optimizer !== undefined && JSON.stringify(c.optimizer) !== JSON.stringify(step.optimizer)) {
    throw new FormatError({ path }, `optimizer ${JSON.stringify(c.optimizer)} differs from the train step's ${JSON.stringify(step.optimizer)}`);
  }
  restoreOptimizerState(step.state, c.slots, c.step, path);
}
