// General STAR file reader and writer (the subset RELION, crYOLO and starfile use): data blocks,
// key-value pairs, loops, quoted values, `;` text fields, `#` comments (also after labels).
// Labels are stored without the leading underscore. Rows are line-based, as RELION writes them.
import { readFile } from 'node:fs/promises';
import { FormatError, type Problem } from '../errors.js';
import { writeFileAtomic, type WriteOptions } from './atomic-write.js';

/** One `_key value` pair of a data block. */
export interface StarPair {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** One `loop_`: column labels (no underscore) and rows of raw string values. */
export interface StarLoop {
  readonly labels: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** 1-based line of the `loop_` keyword, and of each row. */
  readonly line: number;
  readonly rowLines: readonly number[];
}

/** One `data_<name>` block (`name` may be empty, as in RELION's `data_`). */
export interface StarBlock {
  readonly name: string;
  readonly pairs: readonly StarPair[];
  readonly loops: readonly StarLoop[];
  readonly line: number;
}

export interface StarFile {
  readonly blocks: readonly StarBlock[];
}

export interface ParseStarOptions {
  /** Path used in error messages. */
  readonly path?: string;
  /** Turn rows with too few / too many values into warnings (row dropped / extra values dropped). */
  readonly permissive?: boolean;
}

export interface ParsedStar {
  readonly file: StarFile;
  readonly warnings: readonly Problem[];
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

/** Splits one line into tokens; a `#` at the start of a token begins a comment. */
export function tokenizeStarLine(line: string, path = '<string>', lineNo = 0): Token[] {
  if (!line.includes("'") && !line.includes('"')) {
    // Fast path (nearly every RELION row): plain whitespace-separated words.
    const out: Token[] = [];
    for (const w of line.split(/[ \t\r]+/)) {
      if (w === '') continue;
      if (w.startsWith('#')) break;
      out.push({ text: w, quoted: false });
    }
    return out;
  }
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') break;
    if (c === "'" || c === '"') {
      // A quote closes only when followed by whitespace or the end of the line (STAR rule).
      let j = i + 1;
      while (j < n && !(line[j] === c && (j + 1 === n || /\s/.test(line[j + 1] as string)))) j++;
      if (j >= n) throw new FormatError({ path, line: lineNo }, `unterminated ${c} quote in: ${line.trim()}`);
      tokens.push({ text: line.slice(i + 1, j), quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n && line[j] !== ' ' && line[j] !== '\t' && line[j] !== '\r') j++;
    tokens.push({ text: line.slice(i, j), quoted: false });
    i = j;
  }
  return tokens;
}

interface MutableLoop { labels: string[]; rows: string[][]; line: number; rowLines: number[] }
interface MutableBlock { name: string; pairs: StarPair[]; loops: MutableLoop[]; line: number }

/**
 * Parses STAR text.
 * @throws FormatError (with path and line) on a row whose value count differs from the
 *   loop's label count (unless `permissive`), a key without value, or data outside a block.
 */
export function parseStar(text: string, options: ParseStarOptions = {}): ParsedStar {
  const path = options.path ?? '<string>';
  const lines = text.split('\n');
  const blocks: MutableBlock[] = [];
  const warnings: Problem[] = [];
  let block: MutableBlock | undefined;
  let loop: MutableLoop | undefined;
  let inHeader = false;
  let lineNo = 0;
  const fail = (detail: string): never => {
    throw new FormatError({ path, line: lineNo }, detail);
  };
  const need = (): MutableBlock => block ?? fail('found data before the first data_ block');

  // Reads a `;`-delimited text field starting at the current line; returns its value.
  const readTextField = (first: string): string => {
    const parts = [first.slice(1)];
    const start = lineNo;
    for (;;) {
      if (lineNo >= lines.length) throw new FormatError({ path, line: start }, 'unterminated ; text field');
      const l = (lines[lineNo] as string).replace(/\r$/, '');
      lineNo++;
      if (l.startsWith(';')) break;
      parts.push(l);
    }
    return parts.join('\n').trim();
  };

  while (lineNo < lines.length) {
    const raw = (lines[lineNo] as string).replace(/\r$/, '');
    lineNo++;
    if (raw.startsWith(';') && loop && !inHeader) fail('; text fields inside loops are not supported');
    const tokens = tokenizeStarLine(raw, path, lineNo);
    const first = tokens[0];
    if (first === undefined) continue;
    const word = first.quoted ? '' : first.text;
    if (word.startsWith('data_')) {
      block = { name: word.slice(5), pairs: [], loops: [], line: lineNo };
      blocks.push(block);
      loop = undefined;
      inHeader = false;
      if (tokens.length > 1) fail(`unexpected text after ${word}`);
      continue;
    }
    if (word === 'loop_') {
      loop = { labels: [], rows: [], line: lineNo, rowLines: [] };
      need().loops.push(loop);
      inHeader = true;
      continue;
    }
    if (word === 'stop_' || word === 'global_') { loop = undefined; continue; }
    if (word.startsWith('_')) {
      if (loop && inHeader) {
        // Anything after the label (`#3 [Modulation Transfer Function]`) is a comment.
        loop.labels.push(word.slice(1));
        continue;
      }
      loop = undefined;
      const valueToken = tokens[1];
      let value: string;
      if (valueToken === undefined) {
        const next = lineNo < lines.length ? (lines[lineNo] as string).replace(/\r$/, '') : '';
        if (!next.startsWith(';')) fail(`key ${word} has no value`);
        lineNo++;
        value = readTextField(next);
      } else {
        value = valueToken.text;
        if (tokens.length > 2) fail(`key ${word} has ${tokens.length - 1} values, expected 1`);
      }
      need().pairs.push({ key: word.slice(1), value, line: lineNo });
      continue;
    }
    if (!loop) fail(`unexpected value ${first.text}: not in a loop and not a _key value pair`);
    const l = loop as MutableLoop;
    inHeader = false;
    if (l.labels.length === 0) fail('loop_ has no column labels');
    let values = tokens.map((t) => t.text);
    if (values.length !== l.labels.length) {
      const detail = `expected ${l.labels.length} values (${l.labels.map((s) => '_' + s).join(' ')}), found ${values.length}`;
      if (!options.permissive) fail(detail);
      if (values.length < l.labels.length) {
        warnings.push({ line: lineNo, message: `${detail}; row skipped` });
        continue;
      }
      warnings.push({ line: lineNo, message: `${detail}; extra values ignored` });
      values = values.slice(0, l.labels.length);
    }
    l.rows.push(values);
    l.rowLines.push(lineNo);
  }
  return { file: { blocks }, warnings };
}

/** Reads and parses a STAR file. @throws FormatError, or the fs error if unreadable. */
export async function readStar(path: string, options: Omit<ParseStarOptions, 'path'> = {}): Promise<ParsedStar> {
  const text = await readFile(path, 'utf8');
  return parseStar(text, { ...options, path });
}

const NEEDS_QUOTE = /^$|\s|^['"#_$;]|^(data_|loop_|save_|stop_|global_)/i;

/** Quotes a value when STAR would otherwise misread it. */
export function quoteStarValue(value: string): string {
  if (!NEEDS_QUOTE.test(value)) return value;
  if (value === '') return '""';
  if (value.includes('\n')) return `\n;${value}\n;\n`;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

export interface FormatStarOptions {
  /** A leading comment line, e.g. `version 30001` (RELION 3.1+). */
  readonly headerComment?: string;
}

/** Writes STAR text: pairs aligned, loops with `#n` column numbers, columns right-aligned. */
export function formatStar(file: StarFile, options: FormatStarOptions = {}): string {
  const out: string[] = [];
  if (options.headerComment !== undefined) out.push('', `# ${options.headerComment}`);
  for (const block of file.blocks) {
    out.push('', `data_${block.name}`, '');
    if (block.pairs.length > 0) {
      const width = Math.max(...block.pairs.map((p) => p.key.length)) + 2;
      for (const p of block.pairs) out.push(`_${p.key.padEnd(width)}${quoteStarValue(p.value)}`);
      out.push('');
    }
    for (const loop of block.loops) {
      out.push('loop_');
      loop.labels.forEach((label, i) => out.push(`_${label} #${i + 1}`));
      const cells = loop.rows.map((row) => row.map(quoteStarValue));
      // A loop instead of Math.max(...spread): loops can hold millions of rows.
      const widths = loop.labels.map(() => 0);
      for (const row of cells) row.forEach((v, c) => { if (v.length > (widths[c] ?? 0)) widths[c] = v.length; });
      for (const row of cells) out.push(row.map((v, c) => v.padStart(widths[c] ?? 0)).join(' '));
      out.push('');
    }
  }
  return out.join('\n') + '\n';
}

/** Formats and writes a STAR file atomically. */
export async function writeStar(path: string, file: StarFile, options: FormatStarOptions & WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, formatStar(file, options), options);
}

/** Index of a label in a loop (without underscore), or -1. */
export function starColumn(loop: StarLoop, label: string): number {
  return loop.labels.indexOf(label.replace(/^_/, ''));
}

/** The value of a key-value pair in a block, if present. */
export function starValue(block: StarBlock, key: string): string | undefined {
  const k = key.replace(/^_/, '');
  return block.pairs.find((p) => p.key === k)?.value;
}
