// MRC mode ↔ sample type table (modes 0, 1, 2, 6, 12 of MRC2014) and the conversions between
// file bytes and float32 pixels, in either byte order.
import { halfTable, floatToHalf } from './mrc-float16.js';

/** Supported MRC modes. Modes 3, 4 (complex) and 101 (4-bit) are not micrograph data. */
export type MrcMode = 0 | 1 | 2 | 6 | 12;

export interface MrcModeInfo {
  readonly mode: MrcMode;
  readonly dtype: 'int8' | 'int16' | 'float32' | 'uint16' | 'float16';
  readonly bytes: 1 | 2 | 4;
  /** Smallest and largest storable value (integer modes); floats have ±Infinity. */
  readonly min: number;
  readonly max: number;
}

export const MRC_MODES = {
  0: { mode: 0, dtype: 'int8', bytes: 1, min: -128, max: 127 }, // unsigned 0..255 under the IMOD convention
  1: { mode: 1, dtype: 'int16', bytes: 2, min: -32768, max: 32767 },
  2: { mode: 2, dtype: 'float32', bytes: 4, min: -Infinity, max: Infinity },
  6: { mode: 6, dtype: 'uint16', bytes: 2, min: 0, max: 65535 },
  12: { mode: 12, dtype: 'float16', bytes: 2, min: -Infinity, max: Infinity },
} as const satisfies Record<MrcMode, MrcModeInfo>;

/** True when `mode` is one this package reads and writes. */
export function isMrcMode(mode: number): mode is MrcMode {
  return mode === 0 || mode === 1 || mode === 2 || mode === 6 || mode === 12;
}

/** Whether mode 12 and mode 2 can have NaN/Inf samples. */
export function isFloatMode(mode: MrcMode): boolean {
  return mode === 2 || mode === 12;
}

export const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A view of `bytes` as an aligned copy when the offset does not suit the element size. */
function aligned(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.byteOffset % size === 0) return bytes;
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/**
 * Converts `out.length` samples from `bytes` (file order) into float32 pixels.
 * `int8Unsigned` reads mode-0 bytes as 0..255 (the IMOD convention for old files).
 */
export function decodeSamples(bytes: Uint8Array, mode: MrcMode, littleEndian: boolean, out: Float32Array, int8Unsigned = false): void {
  const n = out.length;
  const size = MRC_MODES[mode].bytes;
  if (bytes.length < n * size) throw new RangeError(`need ${n * size} bytes for ${n} samples, got ${bytes.length}`);
  const native = littleEndian === HOST_LITTLE;
  if (mode === 0) {
    if (int8Unsigned) for (let i = 0; i < n; i++) out[i] = bytes[i] ?? 0;
    else {
      const s = new Int8Array(bytes.buffer, bytes.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = s[i] ?? 0;
    }
    return;
  }
  if (native) {
    const a = aligned(bytes, size);
    if (mode === 2) out.set(new Float32Array(a.buffer, a.byteOffset, n));
    else if (mode === 1) out.set(new Int16Array(a.buffer, a.byteOffset, n));
    else if (mode === 6) out.set(new Uint16Array(a.buffer, a.byteOffset, n));
    else {
      const t = halfTable();
      const h = new Uint16Array(a.buffer, a.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = t[h[i] ?? 0] ?? 0;
    }
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * size);
  if (mode === 2) for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, littleEndian);
  else if (mode === 1) for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, littleEndian);
  else if (mode === 6) for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, littleEndian);
  else {
    const t = halfTable();
    for (let i = 0; i < n; i++) out[i] = t[view.getUint16(2 * i, littleEndian)] ?? 0;
  }
}

/**
 * Converts float32 pixels to file bytes. Integer modes round to the nearest integer and
 * throw a RangeError (naming the value and index) for values that do not fit or are not finite.
 */
export function encodeSamples(data: Float32Array, mode: MrcMode, littleEndian: boolean, int8Unsigned = false): Uint8Array {
  const n = data.length;
  const info = MRC_MODES[mode];
  const out = new Uint8Array(n * info.bytes);
  const view = new DataView(out.buffer);
  if (mode === 2) {
    if (littleEndian === HOST_LITTLE) out.set(new Uint8Array(data.buffer, data.byteOffset, n * 4));
    else for (let i = 0; i < n; i++) view.setFloat32(4 * i, data[i] ?? 0, littleEndian);
    return out;
  }
  if (mode === 12) {
    for (let i = 0; i < n; i++) view.setUint16(2 * i, floatToHalf(data[i] ?? 0), littleEndian);
    return out;
  }
  const lo = mode === 0 && int8Unsigned ? 0 : info.min;
  const hi = mode === 0 && int8Unsigned ? 255 : info.max;
  for (let i = 0; i < n; i++) {
    const v = Math.round(data[i] ?? 0);
    if (!(v >= lo && v <= hi)) {
      throw new RangeError(`pixel ${i} is ${data[i]}, which does not fit MRC mode ${mode} (${lo}..${hi}); rescale or use mode 2`);
    }
    if (mode === 0) out[i] = v & 0xff;
    else if (mode === 1) view.setInt16(2 * i, v, littleEndian);
    else view.setUint16(2 * i, v, littleEndian);
  }
  return out;
}
