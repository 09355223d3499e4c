// Epoch checkpoints: every weight and state tensor plus Adam's moments and step count, in one
// file: "CPCK1\n", a JSON header line (names, shapes, offsets), then little-endian float32 data.
import { readFile } from 'node:fs/promises';
import { restoreParams } from '../engine/checkpoint.js';
import type { ParamStore } from '../engine/params.js';
import type { OptimizerState } from '../engine/train-step.js';
import { FormatError } from '../errors.js';

export interface CheckpointContents {
  readonly step: number;
  /** The batch sampler's random state after the checkpointed step (absent in older files). */
  readonly rngState?: number;
  readonly tensors: Map<string, Float32Array>;
}

export function encodeCheckpoint(store: ParamStore, opt: OptimizerState | undefined, rngState?: number): Uint8Array {
  const tensors: [string, readonly number[], Float32Array][] = [];
  for (const [k, e] of store.entries) tensors.push([k, e.shape, e.data]);
  if (opt) for (const [k, v] of opt.slots) tensors.push([`opt:${k}`, [v.length], v]);
  let offset = 0;
  const entries = tensors.map(([name, shape, data]) => {
    const r = { name, shape, offset, length: data.length };
    offset += data.length;
    return r;
  });
  const header = new TextEncoder().encode(`CPCK1\n${JSON.stringify({ step: opt?.step ?? 0, ...(rngState === undefined ? {} : { rngState }), entries })}\n`);
  const pad = (4 - (header.length % 4)) % 4;
  const out = new Uint8Array(header.length + pad + offset * 4);
  out.set(header);
  out.fill(0x20, header.length, header.length + pad);
  const body = new Float32Array(out.buffer, header.length + pad, offset);
  for (const [i, [, , data]] of tensors.entries()) body.set(data, (entries[i] as { offset: number }).offset);
  return out;
}

/** Decodes a checkpoint. @throws FormatError naming `path` when the bytes are not one. */
export function decodeCheckpoint(bytes: Uint8Array, path = 'checkpoint'): CheckpointContents {
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (!text.startsWith('CPCK1\n') || second < 0) throw new FormatError({ path, byteOffset: 0 }, 'not a cryopick training checkpoint (expected the CPCK1 header)');
  const head = JSON.parse(text.slice(first + 1, second)) as { step: number; rngState?: number; entries: { name: string; offset: number; length: number }[] };
  let start = new TextEncoder().encode(text.slice(0, second + 1)).length;
  start += (4 - (start % 4)) % 4;
  const body = new Float32Array(bytes.slice(start).buffer);
  const tensors = new Map<string, Float32Array>();
  for (const e of head.entries) {
    if (e.offset + e.length > body.length) throw new FormatError({ path }, `truncated: tensor ${e.name} needs ${e.offset + e.length} floats, the file holds ${body.length}`);
    tensors.set(e.name, body.slice(e.offset, e.offset + e.length));
  }
  return { step: head.step, ...(head.rngState === undefined ? {} : { rngState: head.rngState }), tensors };
}

/** The network's weights and state tensors of a checkpoint (without the optimizer's moments). */
export function checkpointWeights(c: CheckpointContents): Map<string, Float32Array> {
  return new Map([...c.tensors].filter(([k]) => !k.startsWith('opt:')));
}

/** Adam's state read from a checkpoint, applied once the training step is compiled. */
export interface PendingOptimizer {
  readonly step: number;
  readonly slots: Map<string, Float32Array>;
  readonly path: string;
}

/** Reads an epoch checkpoint, restores its weights into `store`, and returns the optimizer state
 * still to apply and the sampler's random state (both training families use this). */
export async function loadNetCheckpoint(store: ParamStore, path: string): Promise<{ optimizer: PendingOptimizer; rngState?: number }> {
  const c = decodeCheckpoint(new Uint8Array(await readFile(path)), path);
  restoreParams(store, checkpointWeights(c), path);
  const slots = new Map<string, Float32Array>();
  for (const [k, v] of c.tensors) if (k.startsWith('opt:')) slots.set(k.slice(4), v);
  const optimizer = { step: c.step, slots, path };
  return c.rngState === undefined ? { optimizer } : { optimizer, rngState: c.rngState };
}
