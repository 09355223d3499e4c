// Epoch checkpoints: every weight and state tensor plus Adam's moments and step count, in one
// file: "CPCK1\n", a JSON header line (names, shapes, offsets), then little-endian float32 data.
import type { ParamStore } from '../engine/params.js';
import type { OptimizerState } from '../engine/train-step.js';

export interface CheckpointContents {
  readonly step: number;
  readonly tensors: Map<string, Float32Array>;
}

export function encodeCheckpoint(store: ParamStore, opt: OptimizerState | undefined): Uint8Array {
  const tensors: [string, readonly number[], Float32Array][] = [];
  for (const [k, e] of store.entries) tensors.push([k, e.shape, e.data]);
  if (opt) for (const [k, v] of opt.slots) tensors.push([`opt:${k}`, [v.length], v]);
  let offset = 0;
  const entries = tensors.map(([name, shape, data]) => {
    const r = { name, shape, offset, length: data.length };
    offset += data.length;
    return r;
  });
  const header = new TextEncoder().encode(`CPCK1\n${JSON.stringify({ step: opt?.step ?? 0, entries })}\n`);
  const pad = (4 - (header.length % 4)) % 4;
  const out = new Uint8Array(header.length + pad + offset * 4);
  out.set(header);
  out.fill(0x20, header.length, header.length + pad);
  const body = new Float32Array(out.buffer, header.length + pad, offset);
  for (const [i, [, , data]] of tensors.entries()) body.set(data, (entries[i] as { offset: number }).offset);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointContents {
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (!text.startsWith('CPCK1\n') || second < 0) throw new RangeError('not a cryopick checkpoint');
  const head = JSON.parse(text.slice(first + 1, second)) as { step: number; entries: { name: string; offset: number; length: number }[] };
  let start = new TextEncoder().encode(text.slice(0, second + 1)).length;
  start += (4 - (start % 4)) % 4;
  const body = new Float32Array(bytes.slice(start).buffer);
  const tensors = new Map<string, Float32Array>();
  for (const e of head.entries) tensors.set(e.name, body.slice(e.offset, e.offset + e.length));
  return { step: head.step, tensors };
}
