// The 1024-byte MRC2014 main header as one commented table of fields, with a parser and a
// formatter driven by that table (Cheng et al. 2015, doi:10.1016/j.jsb.2015.04.002).
import { FormatError } from '../errors.js';

/** Numeric header fields (4-byte int or float each), by name. */
type NumericKind = 'int32' | 'float32';

interface NumericField {
  readonly name: MrcNumericField;
  readonly offset: number;
  readonly kind: NumericKind;
}

/** Every numeric field of the main header: byte offset (0-based), type, meaning. */
export const MRC_NUMERIC_FIELDS = [
  { name: 'nx', offset: 0, kind: 'int32' }, // columns (fastest-changing in the file)
  { name: 'ny', offset: 4, kind: 'int32' }, // rows
  { name: 'nz', offset: 8, kind: 'int32' }, // sections (slowest)
  { name: 'mode', offset: 12, kind: 'int32' }, // data type, see mrc-modes.ts
  { name: 'nxstart', offset: 16, kind: 'int32' }, // first column's index in the unit cell
  { name: 'nystart', offset: 20, kind: 'int32' },
  { name: 'nzstart', offset: 24, kind: 'int32' },
  { name: 'mx', offset: 28, kind: 'int32' }, // sampling intervals along X of the cell
  { name: 'my', offset: 32, kind: 'int32' },
  { name: 'mz', offset: 36, kind: 'int32' },
  { name: 'cellaX', offset: 40, kind: 'float32' }, // cell lengths in Å (pixel size = cella/m)
  { name: 'cellaY', offset: 44, kind: 'float32' },
  { name: 'cellaZ', offset: 48, kind: 'float32' },
  { name: 'cellbAlpha', offset: 52, kind: 'float32' }, // cell angles in degrees
  { name: 'cellbBeta', offset: 56, kind: 'float32' },
  { name: 'cellbGamma', offset: 60, kind: 'float32' },
  { name: 'mapc', offset: 64, kind: 'int32' }, // axis (1=X,2=Y,3=Z) along columns
  { name: 'mapr', offset: 68, kind: 'int32' }, // axis along rows
  { name: 'maps', offset: 72, kind: 'int32' }, // axis along sections
  { name: 'dmin', offset: 76, kind: 'float32' }, // statistics; dmax < dmin means "not set"
  { name: 'dmax', offset: 80, kind: 'float32' },
  { name: 'dmean', offset: 84, kind: 'float32' },
  { name: 'ispg', offset: 88, kind: 'int32' }, // space group: 0 image stack, 1 volume, 401+ volume stack
  { name: 'nsymbt', offset: 92, kind: 'int32' }, // extended header size in bytes
  { name: 'nversion', offset: 108, kind: 'int32' }, // 20140 or 20141 for MRC2014
  { name: 'imodStamp', offset: 152, kind: 'int32' }, // 1146047817 when written by IMOD
  { name: 'imodFlags', offset: 156, kind: 'int32' }, // bit 0: mode-0 bytes are signed
  { name: 'originX', offset: 196, kind: 'float32' }, // origin in Å
  { name: 'originY', offset: 200, kind: 'float32' },
  { name: 'originZ', offset: 204, kind: 'float32' },
  { name: 'rms', offset: 216, kind: 'float32' }, // standard deviation from the mean; < 0 "not set"
  { name: 'nlabl', offset: 220, kind: 'int32' }, // number of labels in use
] as const satisfies readonly NumericField[];

export type MrcNumericField =
  | 'nx' | 'ny' | 'nz' | 'mode' | 'nxstart' | 'nystart' | 'nzstart' | 'mx' | 'my' | 'mz'
  | 'cellaX' | 'cellaY' | 'cellaZ' | 'cellbAlpha' | 'cellbBeta' | 'cellbGamma'
  | 'mapc' | 'mapr' | 'maps' | 'dmin' | 'dmax' | 'dmean' | 'ispg' | 'nsymbt' | 'nversion'
  | 'imodStamp' | 'imodFlags' | 'originX' | 'originY' | 'originZ' | 'rms' | 'nlabl';

/** Byte layout of the non-numeric fields. */
export const MRC_HEADER_BYTES = 1024;
export const EXTTYP_OFFSET = 104; // 4 ASCII chars: FEI1, FEI2, CCP4, MRCO, SERI, AGAR, ...
export const MAP_OFFSET = 208; // 'MAP ' identifies the format
export const MACHST_OFFSET = 212; // machine stamp: 0x44 0x44 (or 0x44 0x41) little, 0x11 0x11 big endian
export const LABELS_OFFSET = 224; // 10 labels of 80 ASCII chars
export const LABEL_BYTES = 80;
export const LABEL_COUNT = 10;
/** imodStamp value written by IMOD ('IMOD' as a little-endian int). */
export const IMOD_STAMP = 1146047817;

/** The parsed main header. Numeric fields as in the table; `littleEndian` is the order used. */
export type MrcHeader = { readonly [K in MrcNumericField]: number } & {
  readonly exttyp: string;
  readonly map: string;
  readonly machineStamp: readonly [number, number, number, number];
  readonly labels: readonly string[];
  readonly littleEndian: boolean;
};

/** Fields a caller may set when formatting a header; all others default (see formatMrcHeader). */
export type MrcHeaderInit = Partial<{ -readonly [K in MrcNumericField]: number }> & {
  readonly exttyp?: string;
  readonly labels?: readonly string[];
  readonly littleEndian?: boolean;
};

function readAscii(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) {
    const c = bytes[i] ?? 0;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Byte order announced by a machine stamp, or undefined when the stamp is not a known one. */
export function byteOrderFromStamp(stamp: readonly number[]): 'little' | 'big' | undefined {
  if (stamp[0] === 0x44 && (stamp[1] === 0x44 || stamp[1] === 0x41)) return 'little';
  if (stamp[0] === 0x11 && stamp[1] === 0x11) return 'big';
  return undefined;
}

/** Describes a machine stamp as hex bytes, for messages. */
export function formatStamp(stamp: readonly number[]): string {
  return stamp.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
}

/** Reads the numeric fields in the given byte order, plus the text fields. */
export function parseMrcHeader(bytes: Uint8Array, littleEndian: boolean, path = '<buffer>'): MrcHeader {
  if (bytes.length < MRC_HEADER_BYTES) {
    throw new FormatError({ path, byteOffset: bytes.length }, `expected a ${MRC_HEADER_BYTES}-byte MRC header, file has only ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, MRC_HEADER_BYTES);
  const numeric = {} as Record<MrcNumericField, number>;
  for (const f of MRC_NUMERIC_FIELDS) {
    numeric[f.name] = f.kind === 'int32' ? view.getInt32(f.offset, littleEndian) : view.getFloat32(f.offset, littleEndian);
  }
  const labels: string[] = [];
  for (let i = 0; i < LABEL_COUNT; i++) labels.push(readAscii(bytes, LABELS_OFFSET + i * LABEL_BYTES, LABEL_BYTES).trimEnd());
  const stamp = [bytes[MACHST_OFFSET] ?? 0, bytes[MACHST_OFFSET + 1] ?? 0, bytes[MACHST_OFFSET + 2] ?? 0, bytes[MACHST_OFFSET + 3] ?? 0] as const;
  return {
    ...numeric,
    exttyp: readAscii(bytes, EXTTYP_OFFSET, 4),
    map: readAscii(bytes, MAP_OFFSET, 4),
    machineStamp: stamp,
    labels,
    littleEndian,
  };
}

/** Builds a 1024-byte header: 'MAP ', the machine stamp, nversion 20140, angles 90°, axes 1,2,3. */
export function formatMrcHeader(init: MrcHeaderInit): Uint8Array {
  const bytes = new Uint8Array(MRC_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  const le = init.littleEndian ?? true;
  const defaults: Partial<Record<MrcNumericField, number>> = {
    cellbAlpha: 90, cellbBeta: 90, cellbGamma: 90, mapc: 1, mapr: 2, maps: 3, nversion: 20140,
    dmin: 0, dmax: -1, dmean: -2, rms: -1,
  };
  for (const f of MRC_NUMERIC_FIELDS) {
    const v = init[f.name] ?? defaults[f.name] ?? 0;
    if (f.kind === 'int32') view.setInt32(f.offset, v, le);
    else view.setFloat32(f.offset, v, le);
  }
  const writeAscii = (text: string, start: number, length: number): void => {
    for (let i = 0; i < Math.min(text.length, length); i++) bytes[start + i] = text.charCodeAt(i) & 0x7f;
  };
  writeAscii(init.exttyp ?? '', EXTTYP_OFFSET, 4);
  writeAscii('MAP ', MAP_OFFSET, 4);
  const stamp = le ? [0x44, 0x44, 0, 0] : [0x11, 0x11, 0, 0];
  bytes.set(stamp, MACHST_OFFSET);
  const labels = (init.labels ?? []).slice(0, LABEL_COUNT);
  labels.forEach((l, i) => writeAscii(l, LABELS_OFFSET + i * LABEL_BYTES, LABEL_BYTES));
  if (init.nlabl === undefined) view.setInt32(220, labels.length, le);
  return bytes;
}
