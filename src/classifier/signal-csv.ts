// Streams Capfinder signal CSV files (columns read_id, cap_class, timeseries; the series is one
// comma-joined, usually quoted, string of numbers) row by row, never holding a file in memory.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** Parses the comma-joined series into numbers; throws FormatError naming the line on junk. */
export function parseSeries(text: string, path: string, line: number): Float64Array {
  const parts = text.split(',');
  const out = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const v = Number(parts[i]);
    if (!Number.isFinite(v) || (parts[i] as string).trim() === '') {
      throw new FormatError({ path, line }, `timeseries value ${i + 1} is '${(parts[i] as string).slice(0, 20)}', expected a number`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Calls onRow for every data row of a signal CSV, in file order (awaiting it when it returns a promise). `onChunk` sees the raw bytes
 * (for content hashing). Throws FormatError for a wrong header or a row with missing fields.
 */
export async function streamSignalRows(path: string, onRow: (row: SignalRow) => void | Promise<void>, onChunk?: (chunk: Buffer) => void, classOptional = false): Promise<number> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onChunk) stream.on('data', (c) => onChunk(c as Buffer));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let cols: { id: number; cls: number; ts: number } | undefined;
  let rows = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      if (!cols) {
        const header = splitCsvLine(line).map((h) => h.trim().replace(/^\uFEFF/, ''));
        const at = (n: string): number => header.indexOf(n);
        cols = { id: at('read_id'), cls: at('cap_class'), ts: at('timeseries') };
        if (cols.id < 0 || (cols.cls < 0 && !classOptional) || cols.ts < 0) {
          throw new FormatError({ path, line: 1 }, `header is '${line.slice(0, 80)}', expected the columns read_id, ${classOptional ? '(optional) ' : ''}cap_class, timeseries`);
        }
        continue;
      }
      const f = fastFields(line, cols);
      if (!f) throw new FormatError({ path, line: lineNo }, `expected read_id, cap_class and timeseries, found '${line.slice(0, 60)}'`);
      const pending = onRow({ readId: f[0], capClass: f[1], series: f[2], line: lineNo });
      if (pending) await pending;
      rows++;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  if (!cols) throw new FormatError({ path }, 'the file is empty; expected a header read_id, cap_class, timeseries');
  return rows;
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
