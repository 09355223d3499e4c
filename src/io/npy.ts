// NumPy .npy reader and writer for 1-D (structured) arrays, as cryoSPARC .cs files use them:
// numeric fields of either byte order, bool, bytes (`S`) and UTF-32 (`U`) strings, and
// fixed-size array fields. 64-bit integers are read as bigint (cryoSPARC uids use all 64 bits).
import { FormatError } from '../errors.js';
import { formatDescr, parseDescr, parsePyLiteral, type NpyDtype, type NpyField, type NpyScalarType, type PyValue } from './npy-header.js';

/** One element: number (ints ≤ 32 bits, floats), bigint (64-bit ints), boolean, string, raw bytes ('V'). */
export type NpyScalar = number | bigint | boolean | string | Uint8Array;
/** A cell: a scalar, or nested arrays of scalars for array fields (shape = the field's shape). */
export type NpyCell = NpyScalar | readonly NpyCell[];

/** A 1-D structured array held column by column. */
export interface NpyTable {
  readonly dtype: NpyDtype;
  readonly length: number;
  /** One array of `length` cells per field name (padding fields without a name are left out). */
  readonly columns: ReadonlyMap<string, readonly NpyCell[]>;
}

const MAGIC = '\x93NUMPY';

function readScalar(view: DataView, bytes: Uint8Array, at: number, t: NpyScalarType): NpyScalar {
  const le = t.littleEndian;
  switch (t.kind) {
    case 'b': return view.getUint8(at) !== 0;
    case 'i':
      return t.itemSize === 1 ? view.getInt8(at) : t.itemSize === 2 ? view.getInt16(at, le) : t.itemSize === 4 ? view.getInt32(at, le) : view.getBigInt64(at, le);
    case 'u':
      return t.itemSize === 1 ? view.getUint8(at) : t.itemSize === 2 ? view.getUint16(at, le) : t.itemSize === 4 ? view.getUint32(at, le) : view.getBigUint64(at, le);
    case 'f':
      return t.itemSize === 2 ? halfToFloat(view.getUint16(at, le)) : t.itemSize === 4 ? view.getFloat32(at, le) : view.getFloat64(at, le);
    case 'S': {
      let end = at;
      while (end < at + t.itemSize && bytes[end] !== 0) end++;
      return Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at).toString('utf8');
    }
    case 'U': {
      let s = '';
      for (let k = 0; k < t.itemSize / 4; k++) {
        const cp = view.getUint32(at + 4 * k, le);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case 'V': return bytes.slice(at, at + t.itemSize);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function readCell(view: DataView, bytes: Uint8Array, at: number, field: NpyField, dim: number): { cell: NpyCell; next: number } {
  if (dim === field.shape.length) return { cell: readScalar(view, bytes, at, field.type), next: at + field.type.itemSize };
  const out: NpyCell[] = [];
  let p = at;
  for (let k = 0; k < (field.shape[dim] as number); k++) {
    const r = readCell(view, bytes, p, field, dim + 1);
    out.push(r.cell);
    p = r.next;
  }
  return { cell: out, next: p };
}

/**
 * Parses .npy bytes holding a 1-D array (structured or not, C order).
 * @throws FormatError with path and byte offset: wrong magic, bad header, unsupported dtype
 *   (e.g. pickled objects), multi-dimensional shape, or data shorter than the header says.
 */
export function parseNpy(data: Uint8Array, path = '<bytes>'): NpyTable {
  const bytes = data;
  const fail = (byteOffset: number, detail: string): never => {
    throw new FormatError({ path, byteOffset }, detail);
  };
  if (bytes.length < 10 || Buffer.from(bytes.subarray(0, 6)).toString('latin1') !== MAGIC) {
    fail(0, 'not a NumPy .npy file (expected the \\x93NUMPY magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] as number;
  if (major < 1 || major > 3) fail(6, `unsupported .npy format version ${major}.${bytes[7]}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail(8, `header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`);
  const headerText = Buffer.from(bytes.subarray(start, start + headerLen)).toString(major === 3 ? 'utf8' : 'latin1').trim();
  let header: PyValue;
  let dtype: NpyDtype;
  try {
    header = parsePyLiteral(headerText);
    if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SyntaxError('header is not a dict');
    const descr = header['descr'];
    if (descr === undefined) throw new SyntaxError("header has no 'descr'");
    dtype = parseDescr(descr);
  } catch (err) {
    return fail(start, `bad .npy header: ${(err as Error).message}`);
  }
  const shape = (header as { [k: string]: PyValue })['shape'];
  if (!Array.isArray(shape) || shape.length > 1 || shape.some((d) => typeof d !== 'number')) {
    fail(start, `expected a 1-D array, found shape ${JSON.stringify(shape)}`);
  }
  const length = (shape as number[]).length === 0 ? 1 : ((shape as number[])[0] as number);
  const dataStart = start + headerLen;
  const need = length * dtype.itemSize;
  if (bytes.length - dataStart < need) {
    fail(dataStart, `expected ${need} data bytes (${length} records of ${dtype.itemSize}), found ${bytes.length - dataStart}`);
  }
  const columns = new Map<string, NpyCell[]>();
  for (const field of dtype.fields) {
    if (field.name === '' && dtype.fields.length > 1) continue;
    const col: NpyCell[] = new Array(length);
    for (let r = 0; r < length; r++) col[r] = readCell(view, bytes, dataStart + r * dtype.itemSize + field.offset, field, 0).cell;
    columns.set(field.name, col);
  }
  return { dtype, length, columns };
}

function writeScalar(view: DataView, bytes: Uint8Array, at: number, t: NpyScalarType, v: NpyCell, name: string): void {
  const le = t.littleEndian;
  const bad = (): never => { throw new TypeError(`field '${name}': value ${String(v)} does not fit dtype ${t.kind}${t.itemSize}`); };
  if (Array.isArray(v)) bad();
  switch (t.kind) {
    case 'b': view.setUint8(at, v ? 1 : 0); return;
    case 'i': case 'u': {
      if (t.itemSize === 8) {
        const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : bad();
        if (t.kind === 'i') view.setBigInt64(at, b as bigint, le); else view.setBigUint64(at, b as bigint, le);
        return;
      }
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : bad();
      const setter = { 1: t.kind === 'i' ? 'setInt8' : 'setUint8', 2: t.kind === 'i' ? 'setInt16' : 'setUint16', 4: t.kind === 'i' ? 'setInt32' : 'setUint32' }[t.itemSize as 1 | 2 | 4];
      (view[setter as 'setInt32'] as (o: number, x: number, l?: boolean) => void).call(view, at, n as number, le);
      return;
    }
    case 'f': {
      const n = typeof v === 'number' ? v : bad();
      if (t.itemSize === 4) view.setFloat32(at, n as number, le);
      else if (t.itemSize === 8) view.setFloat64(at, n as number, le);
      else bad();
      return;
    }
    case 'S': {
      const b = Buffer.from(typeof v === 'string' ? v : bad() as string, 'utf8');
      if (b.length > t.itemSize) bad();
      bytes.set(b, at);
      return;
    }
    case 'U': {
      const cps = [...(typeof v === 'string' ? v : bad() as string)].map((ch) => ch.codePointAt(0) as number);
      if (cps.length * 4 > t.itemSize) bad();
      cps.forEach((cp, k) => view.setUint32(at + 4 * k, cp, le));
      return;
    }
    case 'V': if (v instanceof Uint8Array) bytes.set(v.subarray(0, t.itemSize), at); return;
  }
}

function writeCell(view: DataView, bytes: Uint8Array, at: number, field: NpyField, dim: number, v: NpyCell): number {
  if (dim === field.shape.length) {
    writeScalar(view, bytes, at, field.type, v, field.name);
    return at + field.type.itemSize;
  }
  const n = field.shape[dim] as number;
  if (!Array.isArray(v) || v.length !== n) throw new TypeError(`field '${field.name}': expected an array of ${n} values`);
  let p = at;
  for (const x of v as readonly NpyCell[]) p = writeCell(view, bytes, p, field, dim + 1, x);
  return p;
}

/** Serialises a table as .npy (version 1.0, or 2.0 for headers over 64 KiB). */
export function formatNpy(table: NpyTable): Uint8Array {
  const dict = `{'descr': ${formatDescr(table.dtype)}, 'fortran_order': False, 'shape': (${table.length},), }`;
  let version = 1;
  let pre = 10;
  let total = pre + dict.length + 1;
  if (Math.ceil(total / 64) * 64 - pre > 0xffff) { version = 2; pre = 12; total = pre + dict.length + 1; }
  const padded = dict.padEnd(Math.ceil(total / 64) * 64 - pre - 1) + '\n';
  const head = Buffer.alloc(pre);
  head.write(MAGIC, 0, 'latin1');
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(padded.length, 8); else head.writeUInt32LE(padded.length, 8);
  const body = new Uint8Array(table.length * table.dtype.itemSize);
  const view = new DataView(body.buffer);
  for (const field of table.dtype.fields) {
    const col = table.columns.get(field.name);
    if (!col) {
      if (field.type.kind === 'V') continue;
      throw new TypeError(`no column for field '${field.name}'`);
    }
    if (col.length !== table.length) throw new TypeError(`column '${field.name}' has ${col.length} values, expected ${table.length}`);
    for (let r = 0; r < table.length; r++) writeCell(view, body, r * table.dtype.itemSize + field.offset, field, 0, col[r] as NpyCell);
  }
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), body]);
}

/** Builds a packed structured dtype from (name, dtype string, shape) triples. */
export function structuredDtype(spec: readonly (readonly [string, string, (readonly number[])?])[]): NpyDtype {
  return parseDescr(spec.map(([n, t, s]) => (s === undefined ? [n, t] : [n, t, [...s]])));
}
