// TensorBoard event files written by hand (no npm package writes them without libtensorflow):
// TFRecord framing (u64 length, masked CRC32C of the length, payload, masked CRC32C of the payload)
// around a minimal protobuf Event{wall_time=1, step=2, file_version=3, summary=5{value=1{tag=1, simple_value=2}}}.
import { appendFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const CRC_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1; // Castagnoli, reflected
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli) of bytes; "123456789" → 0xe3069283. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 bits, add 0xa282ead8 (mod 2^32). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Frames one record: length, masked CRC of the length, payload, masked CRC of the payload. */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + payload.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(payload.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  view.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}

class ProtoWriter {
  private readonly parts: number[] = [];
  varint(v: bigint | number): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) { this.parts.push(Number(x & 0x7fn) | 0x80); x >>= 7n; }
    this.parts.push(Number(x));
    return this;
  }
  key(field: number, wire: number): this { return this.varint((field << 3) | wire); }
  double(field: number, v: number): this {
    const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, v, true);
    this.key(field, 1); this.parts.push(...b); return this;
  }
  float(field: number, v: number): this {
    const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, v, true);
    this.key(field, 5); this.parts.push(...b); return this;
  }
  bytes(field: number, b: Uint8Array): this { this.key(field, 2).varint(b.length); this.parts.push(...b); return this; }
  string(field: number, s: string): this { return this.bytes(field, new TextEncoder().encode(s)); }
  int64(field: number, v: number): this { return this.key(field, 0).varint(v); }
  finish(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** Encodes Event{wall_time, file_version} (the first record of every event file). */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, 'brain.Event:2').finish();
}

/** Encodes Event{wall_time, step, summary{value{tag, simple_value}...}}. */
export function encodeScalarEvent(wallTime: number, step: number, scalars: Readonly<Record<string, number>>): Uint8Array {
  const summary = new ProtoWriter();
  for (const [tag, value] of Object.entries(scalars)) {
    summary.bytes(1, new ProtoWriter().string(1, tag).float(2, value).finish());
  }
  return new ProtoWriter().double(1, wallTime).int64(2, step).bytes(5, summary.finish()).finish();
}

/** Appends scalar summaries to `events.out.tfevents.<seconds>.<host>` in a log folder. */
export class EventFileWriter {
  readonly path: string;
  constructor(logDir: string, now: Date = new Date()) {
    this.path = join(logDir, `events.out.tfevents.${Math.floor(now.getTime() / 1000)}.${hostname()}`);
    if (!existsSync(this.path)) appendFileSync(this.path, frameRecord(encodeFileVersionEvent(now.getTime() / 1000)));
  }
  /** Writes one step's scalars (non-finite values are skipped: TensorBoard cannot plot them). */
  addScalars(step: number, scalars: Readonly<Record<string, number>>, wallTime = Date.now() / 1000): void {
    const finite = Object.fromEntries(Object.entries(scalars).filter(([, v]) => Number.isFinite(v)));
    if (Object.keys(finite).length === 0) return;
    appendFileSync(this.path, frameRecord(encodeScalarEvent(wallTime, step, finite)));
  }
}

/** One decoded scalar (used by tests and `cryopick report` to read event files back). */
export interface ScalarEvent { readonly step: number; readonly wallTime: number; readonly tag: string; readonly value: number }

/** Reads records back, verifying both CRCs; throws RangeError on a corrupt record. */
export function readEventRecords(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  while (p < data.length) {
    if (p + 12 > data.length) throw new RangeError(`truncated record header at byte ${p}`);
    const len = Number(view.getBigUint64(p, true));
    if (view.getUint32(p + 8, true) !== maskedCrc32c(data.subarray(p, p + 8))) throw new RangeError(`bad length CRC at byte ${p}`);
    const payload = data.subarray(p + 12, p + 12 + len);
    if (p + 16 + len > data.length) throw new RangeError(`truncated record at byte ${p}`);
    if (view.getUint32(p + 12 + len, true) !== maskedCrc32c(payload)) throw new RangeError(`bad payload CRC at byte ${p}`);
    out.push(payload);
    p += 16 + len;
  }
  return out;
}

function readVarint(b: Uint8Array, p: number): [bigint, number] {
  let x = 0n, shift = 0n, i = p;
  for (;;) {
    const byte = b[i++] as number;
    x |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [x, i];
    shift += 7n;
  }
}

function fields(b: Uint8Array): { field: number; wire: number; value: bigint | number | Uint8Array }[] {
  const out: { field: number; wire: number; value: bigint | number | Uint8Array }[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  while (p < b.length) {
    const [k, q] = readVarint(b, p);
    const field = Number(k >> 3n), wire = Number(k & 7n);
    p = q;
    if (wire === 0) { const [v, r] = readVarint(b, p); out.push({ field, wire, value: v }); p = r; }
    else if (wire === 1) { out.push({ field, wire, value: view.getFloat64(p, true) }); p += 8; }
    else if (wire === 5) { out.push({ field, wire, value: view.getFloat32(p, true) }); p += 4; }
    else if (wire === 2) { const [n, r] = readVarint(b, p); out.push({ field, wire, value: b.subarray(r, r + Number(n)) }); p = r + Number(n); }
    else throw new RangeError(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

/** Decodes the scalar summaries of an event file's bytes. */
export function decodeScalarEvents(data: Uint8Array): ScalarEvent[] {
  const out: ScalarEvent[] = [];
  for (const rec of readEventRecords(data)) {
    let wallTime = 0, step = 0;
    const values: { tag: string; value: number }[] = [];
    for (const f of fields(rec)) {
      if (f.field === 1 && f.wire === 1) wallTime = f.value as number;
      else if (f.field === 2 && f.wire === 0) step = Number(BigInt.asIntN(64, f.value as bigint));
      else if (f.field === 5 && f.wire === 2) {
        for (const v of fields(f.value as Uint8Array)) {
          if (v.field !== 1) continue;
          let tag = '', value = Number.NaN;
          for (const g of fields(v.value as Uint8Array)) {
            if (g.field === 1) tag = new TextDecoder().decode(g.value as Uint8Array);
            else if (g.field === 2) value = g.value as number;
          }
          values.push({ tag, value });
        }
      }
    }
    for (const v of values) out.push({ step, wallTime, ...v });
  }
  return out;
}
