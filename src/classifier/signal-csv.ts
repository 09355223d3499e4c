// Streams Capfinder signal CSV files (columns read_id, cap_class, timeseries; the series is one
// comma-joined, usually quoted, string of numbers) row by row, never holding a file in memory.
import { createReadStream } from 'node:fs';
import { FormatError } from '../errors.js';

export interface SignalRow {
  readonly readId: string;
  readonly capClass: string;
  /** The raw series text; parse with {@link parseSeries} only for rows that are kept. */
  readonly series: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

/** Splits one CSV line into fields, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) { v += line.slice(i); i = line.length; break; }
        v += line.slice(i, q);
        if (line[q + 1] === '"') { v += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(v);
      const comma = line.indexOf(',', i);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      out.push(line.slice(i, comma < 0 ? line.length : comma));
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
  }
  return out;
}

/** Exact powers of ten (10^k is a double exactly for k ≤ 22). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The decimal number in s[a, b) by Clinger's fast path: at most 15 significant digits and a
 * decimal exponent within ±22, so mantissa and power of ten are exact doubles and one division or
 * multiplication rounds correctly (the same double as Number()). NaN when outside the fast path.
 */
export function scanDecimal(s: string, a: number, b: number): number {
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  let i = a;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) { neg = c === 45; c = s.charCodeAt(++i); }
  let m = 0, digits = 0, seen = 0, scale = 0;
  while (i < b && c >= 48 && c <= 57) {
    seen++;
    if (m !== 0 || c !== 48) { m = m * 10 + (c - 48); digits++; }
    c = s.charCodeAt(++i);
  }
  if (i < b && c === 46) {
    c = s.charCodeAt(++i);
    while (i < b && c >= 48 && c <= 57) {
      seen++;
      if (m !== 0 || c !== 48) { m = m * 10 + (c - 48); digits++; }
      scale--;
      c = s.charCodeAt(++i);
    }
  }
  if (seen === 0 || digits > 15) return NaN;
  if (i < b && (c === 101 || c === 69)) {
    c = s.charCodeAt(++i);
    let eneg = false;
    if (c === 45 || c === 43) { eneg = c === 45; c = s.charCodeAt(++i); }
    let e = 0, ed = 0;
    while (i < b && c >= 48 && c <= 57 && ed < 6) { e = e * 10 + (c - 48); ed++; c = s.charCodeAt(++i); }
    if (ed === 0) return NaN;
    scale += eneg ? -e : e;
  }
  if (i !== b || scale < -22 || scale > 22) return NaN;
  const v = scale < 0 ? m / (POW10[-scale] as number) : m * (POW10[scale] as number);
  return neg ? -v : v;
}

/**
 * Parses the comma-joined series into numbers (one scan, no intermediate strings; tokens outside
 * the fast path go through Number()); throws FormatError naming the line on junk.
 */
export function parseSeries(text: string, path: string, line: number): Float64Array {
  let n = 1;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) n++;
  const out = new Float64Array(n);
  let start = 0;
  for (let k = 0; k < n; k++) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    let v = scanDecimal(text, start, end);
    if (Number.isNaN(v)) {
      const token = text.slice(start, end);
      v = Number(token);
      if (!Number.isFinite(v) || token.trim() === '') {
        throw new FormatError({ path, line }, `timeseries value ${k + 1} is '${token.slice(0, 20)}', expected a number`);
      }
    }
    out[k] = v;
    start = end + 1;
  }
  return out;
}

/**
 * Calls onRow for every data row of a signal CSV, in file order (awaiting it when it returns a promise). `onChunk` sees the raw bytes
 * (for content hashing). Throws FormatError for a wrong header or a row with missing fields.
 * Lines are split on the bytes; a row in the standard column order with unquoted id and class is
 * cut into fields on the bytes too, and its series is decoded only when `row.series` is read (the
 * class-counting pass never decodes a series).
 */
export async function streamSignalRows(path: string, onRow: (row: SignalRow) => void | Promise<void>, onChunk?: (chunk: Buffer) => void, classOptional = false): Promise<number> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let lineNo = 0;
  let cols: { id: number; cls: number; ts: number } | undefined;
  let rows = 0;
  const handle = async (buf: Buffer, a: number, b: number): Promise<void> => {
    lineNo++;
    if (b > a && buf[b - 1] === 13) b--;
    let first = a;
    while (first < b && (buf[first] === 32 || buf[first] === 9)) first++;
    if (first === b) return;
    if (!cols) {
      const line = buf.toString('utf8', a, b);
      const header = splitCsvLine(line).map((h) => h.trim().replace(/^\uFEFF/, ''));
      const at = (n: string): number => header.indexOf(n);
      cols = { id: at('read_id'), cls: at('cap_class'), ts: at('timeseries') };
      if (cols.id < 0 || (cols.cls < 0 && !classOptional) || cols.ts < 0) {
        throw new FormatError({ path, line: 1 }, `header is '${line.slice(0, 80)}', expected the columns read_id, ${classOptional ? '(optional) ' : ''}cap_class, timeseries`);
      }
      return;
    }
    const row = byteRow(buf, a, b, cols, lineNo) ?? textRow(buf.toString('utf8', a, b), cols, lineNo);
    if (!row) throw new FormatError({ path, line: lineNo }, `expected read_id, cap_class and timeseries, found '${buf.toString('utf8', a, Math.min(b, a + 60))}'`);
    const pending = onRow(row);
    if (pending) await pending;
    rows++;
  };
  let carry: Buffer | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onChunk?.(chunk);
      let start = 0;
      if (carry) {
        const nl = chunk.indexOf(10);
        if (nl < 0) { carry = Buffer.concat([carry, chunk]); continue; }
        const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
        carry = undefined;
        await handle(line, 0, line.length);
        start = nl + 1;
      }
      for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
        await handle(chunk, start, nl);
        start = nl + 1;
      }
      if (start < chunk.length) carry = chunk.subarray(start);
    }
    if (carry) await handle(carry, 0, carry.length);
  } finally {
    stream.destroy();
  }
  if (!cols) throw new FormatError({ path }, 'the file is empty; expected a header read_id, cap_class, timeseries');
  return rows;
}

/** A standard-order row cut on the bytes (id, class unquoted); the series decoded on first read. Undefined otherwise. */
function byteRow(buf: Buffer, a: number, b: number, cols: { id: number; cls: number; ts: number }, line: number): SignalRow | undefined {
  if (cols.id !== 0 || cols.cls !== 1 || cols.ts !== 2) return undefined;
  const c1 = buf.indexOf(44, a);
  if (c1 < 0 || c1 >= b) return undefined;
  const c2 = buf.indexOf(44, c1 + 1);
  if (c2 < 0 || c2 >= b) return undefined;
  for (let i = a; i < c2; i++) if (buf[i] === 34) return undefined;
  let s = c2 + 1;
  let e = b;
  if (e - s >= 2 && buf[s] === 34 && buf[e - 1] === 34) { s++; e--; }
  let k = s;
  while (k < e && (buf[k] === 32 || buf[k] === 9)) k++;
  if (k === e) return undefined;
  let text: string | undefined;
  return {
    readId: buf.toString('utf8', a, c1).trim(), capClass: buf.toString('utf8', c1 + 1, c2).trim(), line,
    get series(): string { return (text ??= buf.toString('utf8', s, e)); },
  };
}

/** Any other row: split as CSV text (quotes honoured). */
function textRow(line: string, cols: { id: number; cls: number; ts: number }, lineNo: number): SignalRow | undefined {
  const f = fastFields(line, cols);
  return f ? { readId: f[0], capClass: f[1], series: f[2], line: lineNo } : undefined;
}

/** The three fields of a data row; the standard order with unquoted id and class skips the full split. */
function fastFields(line: string, cols: { id: number; cls: number; ts: number }): [string, string, string] | undefined {
  if (cols.id === 0 && cols.cls === 1 && cols.ts === 2) {
    const a = line.indexOf(',');
    const b = a < 0 ? -1 : line.indexOf(',', a + 1);
    const q = line.indexOf('"');
    if (b > 0 && (q < 0 || q > b)) {
      let ts = line.slice(b + 1);
      if (ts.startsWith('"') && ts.endsWith('"') && ts.length >= 2) ts = ts.slice(1, -1);
      if (ts.trim() === '') return undefined;
      return [line.slice(0, a).trim(), line.slice(a + 1, b).trim(), ts];
    }
  }
  const f = splitCsvLine(line);
  const id = f[cols.id], cls = cols.cls < 0 ? '' : f[cols.cls], ts = f[cols.ts];
  if (id === undefined || cls === undefined || ts === undefined || ts.trim() === '') return undefined;
  return [id.trim(), cls.trim(), ts];
}

/**
 * Centre-truncates or centre-zero-pads to `length` (Capfinder's parse_row): longer series lose
 * ⌊(L−T)/2⌋ points on the left and the rest on the right; shorter ones get ⌊(T−L)/2⌋ zeros left.
 */
export function fitLength(series: ArrayLike<number>, length: number, out: Float32Array = new Float32Array(length)): Float32Array {
  const n = series.length;
  out.fill(0);
  if (n >= length) {
    const off = Math.floor((n - length) / 2);
    for (let i = 0; i < length; i++) out[i] = series[off + i] as number;
  } else {
    const off = Math.floor((length - n) / 2);
    for (let i = 0; i < n; i++) out[off + i] = series[i] as number;
  }
  return out;
}
