// NumPy .npy header handling (format versions 1.0-3.0): the Python-literal header dict and the
// `descr` dtype description, including structured dtypes with string and fixed-size array fields.
// Spec: numpy.lib.format (NEP 1); dtype strings are `<byteorder><kind><size>` such as `<u4`, `|S61`.

/** Element kinds we read and write: bool, signed, unsigned, float, bytes string, UTF-32 string, padding. */
export type NpyKind = 'b' | 'i' | 'u' | 'f' | 'S' | 'U' | 'V';

/** One scalar type, e.g. `<u4` → { kind 'u', itemSize 4, littleEndian true }. */
export interface NpyScalarType {
  readonly kind: NpyKind;
  /** Bytes per element (for 'U', 4 × characters). */
  readonly itemSize: number;
  readonly littleEndian: boolean;
}

/** One field of a structured dtype; `shape` is [] for scalars, [2] for `('f', '<u4', (2,))`. */
export interface NpyField {
  readonly name: string;
  readonly type: NpyScalarType;
  readonly shape: readonly number[];
  /** Byte offset inside one record. */
  readonly offset: number;
}

export interface NpyDtype {
  readonly fields: readonly NpyField[];
  /** Bytes per record. */
  readonly itemSize: number;
}

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Parses the Python literal subset used by .npy headers (dict, list, tuple, str, int, bool, None). */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${i} of the header`);
  };
  const ws = (): void => { while (i < text.length && /\s/.test(text[i] as string)) i++; };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') {
      const close = c === '{' ? '}' : c === '[' ? ']' : ')';
      i++;
      const items: PyValue[] = [];
      const dict: { [key: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === close) { i++; break; }
        const v = value();
        if (c === '{') {
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
          dict[String(v)] = value();
        } else items.push(v);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
      return c === '{' ? dict : items;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (!m) return fail('unexpected text');
    i += (m[0] as string).length;
    return m[0] === 'True' ? true : m[0] === 'False' ? false : m[0] === 'None' ? null : parseInt(m[0] as string, 10);
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

/** Parses a scalar dtype string such as `<f4`, `>i8`, `|S61`, `<U12`, `|b1`, `?`. */
export function parseScalarType(descr: string): NpyScalarType {
  const m = /^([<>|=]?)([?biufSUVa])(\d*)$/.exec(descr);
  if (!m) throw new SyntaxError(`unsupported dtype '${descr}' (object 'O' arrays need Python pickle and cannot be read)`);
  const order = m[1] as string;
  let kind = m[2] as string;
  let n = m[3] === '' ? 1 : Number(m[3]);
  if (kind === '?') kind = 'b';
  if (kind === 'a') kind = 'S';
  const itemSize = kind === 'U' ? 4 * n : n;
  if ((kind === 'i' || kind === 'u') && ![1, 2, 4, 8].includes(n)) throw new SyntaxError(`unsupported integer size in '${descr}'`);
  if (kind === 'f' && ![2, 4, 8].includes(n)) throw new SyntaxError(`unsupported float size in '${descr}'`);
  if (kind === 'b') n = 1;
  return { kind: kind as NpyKind, itemSize: kind === 'b' ? 1 : itemSize, littleEndian: order !== '>' };
}

/** Formats a scalar type back to a dtype string (`<u4`, `|S12`, `>f8`). */
export function formatScalarType(t: NpyScalarType): string {
  const single = t.itemSize === 1 || t.kind === 'S' || t.kind === 'V' || t.kind === 'b';
  const order = single ? '|' : t.littleEndian ? '<' : '>';
  const n = t.kind === 'U' ? t.itemSize / 4 : t.itemSize;
  return `${order}${t.kind}${n}`;
}

/** Builds the dtype of a header `descr` (a string, or a list of (name, type[, shape]) tuples). */
export function parseDescr(descr: PyValue): NpyDtype {
  if (typeof descr === 'string') {
    const type = parseScalarType(descr);
    return { fields: [{ name: '', type, shape: [], offset: 0 }], itemSize: type.itemSize };
  }
  if (!Array.isArray(descr)) throw new SyntaxError('descr must be a dtype string or a list of fields');
  const fields: NpyField[] = [];
  let offset = 0;
  for (const entry of descr) {
    if (!Array.isArray(entry) || entry.length < 2) throw new SyntaxError('each structured field must be (name, type[, shape])');
    const [rawName, rawType, rawShape] = entry;
    const name = Array.isArray(rawName) ? String(rawName[1]) : String(rawName);
    if (typeof rawType !== 'string') throw new SyntaxError(`field '${name}': nested structured dtypes are not supported`);
    const type = parseScalarType(rawType);
    const shape = rawShape === undefined ? [] : Array.isArray(rawShape) ? rawShape.map(Number) : [Number(rawShape)];
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new SyntaxError(`field '${name}': bad shape`);
    fields.push({ name, type, shape, offset });
    offset += type.itemSize * shape.reduce((a, b) => a * b, 1);
  }
  return { fields, itemSize: offset };
}

/** Formats a structured dtype as a header `descr` literal. */
export function formatDescr(dtype: NpyDtype): string {
  const parts = dtype.fields.map((f) => {
    const shape = f.shape.length === 0 ? '' : `, (${f.shape.join(', ')}${f.shape.length === 1 ? ',' : ''})`;
    return `('${f.name}', '${formatScalarType(f.type)}'${shape})`;
  });
  return `[${parts.join(', ')}]`;
}
