// The per-micrograph detection store: every detection above the low floor, in original pixels,
// as a small TSV under <out>/detections/. Written atomically and closed by a count + checksum line,
// so a complete file marks a micrograph as done (for --resume; a cut file is re-picked), and read
// back by `cryopick threshold` to re-threshold without the network.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MicrographPicks, Particle } from '../io/coords.js';
import { ORIGINAL_FRAME, micrographKey } from '../io/coords.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { FormatError, UserError } from '../errors.js';

/** Version 2 ends with `# end<TAB>count<TAB>sha256 of everything before that line`; version 1 has no end line. */
const MAGIC = '# cryopick detections 2';
const MAGIC_V1 = '# cryopick detections 1';

function checksum(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** All detections of one micrograph above `floor`, in original micrograph pixels. */
export interface MicrographDetections {
  readonly micrograph: string;
  readonly width: number;
  readonly height: number;
  readonly floor: number;
  /** Descending score, in original-micrograph pixels. */
  readonly particles: readonly Particle<'original'>[];
}

/** Path of a micrograph's detection file inside a pick output folder. */
export function detectionsPath(outDir: string, micrograph: string): string {
  return join(outDir, 'detections', `${micrographKey(micrograph)}.tsv`);
}

/** Decimals of x and y in a detection file. */
const COORD_DECIMALS = 2;

/** A coordinate as a detection file stores it, so work done on written picks sees the same position. */
export function coordinateAsWritten(v: number): number {
  return Number(v.toFixed(COORD_DECIMALS));
}

/** Text of a detection file (fixed decimals, so resumed runs are byte-identical). */
export function formatDetections(d: MicrographDetections): string {
  // Box detectors add the estimated width and height of every box as two more columns.
  const boxes = d.particles.some((p) => p.width !== undefined);
  const lines = [MAGIC, `# micrograph\t${d.micrograph}`, `# width\t${d.width}`, `# height\t${d.height}`, `# floor\t${d.floor}`, boxes ? 'x\ty\tscore\tdiameter\twidth\theight' : 'x\ty\tscore\tdiameter'];
  const opt = (v: number | undefined): string => (v === undefined ? '' : v.toFixed(2));
  for (const p of d.particles) {
    const base = `${p.x.toFixed(COORD_DECIMALS)}\t${p.y.toFixed(COORD_DECIMALS)}\t${(p.score ?? 0).toFixed(4)}\t${opt(p.diameter)}`;
    lines.push(boxes ? `${base}\t${opt(p.width)}\t${opt(p.height)}` : base);
  }
  const body = `${lines.join('\n')}\n`;
  return `${body}# end\t${d.particles.length}\t${checksum(body)}\n`;
}

/** Splits off and checks the end line of a version-2 file; returns the lines before it. */
function checkEnd(text: string, path: string): string {
  const cut = text.lastIndexOf('# end\t');
  const lineNo = text.slice(0, Math.max(0, cut)).split('\n').length;
  if (cut < 0 || (cut > 0 && text[cut - 1] !== '\n')) {
    throw new FormatError({ path, line: text.split('\n').length }, 'the file ends early (no "# end" line with the count and checksum): the micrograph was not finished');
  }
  const [, count, sum] = text.slice(cut).replace(/\n$/, '').split('\t');
  const body = text.slice(0, cut);
  if (sum !== checksum(body)) throw new FormatError({ path, line: lineNo }, `checksum mismatch: the file was changed or cut after it was written (expected ${sum ?? '?'}, found ${checksum(body)})`);
  const rows = body.split('\n').slice(6).filter((l) => l !== '').length;
  if (String(rows) !== count) throw new FormatError({ path, line: lineNo }, `expected ${count} detections, found ${rows}`);
  return body;
}

/**
 * Parses a detection file (version 2, or version 1 written before the end line existed).
 * @throws FormatError with the line number on any malformed line, a missing end line, or a count or
 * checksum that does not match.
 */
export function parseDetections(text: string, path: string): MicrographDetections {
  const first = text.slice(0, text.indexOf('\n') >>> 0);
  if (first !== MAGIC && first !== MAGIC_V1) throw new FormatError({ path, line: 1 }, `expected '${MAGIC}', found '${first.slice(0, 40)}'`);
  const lines = (first === MAGIC ? checkEnd(text, path) : text).split('\n');
  const header = (i: number, key: string): string => {
    const [k, v] = (lines[i] ?? '').split('\t');
    if (k !== `# ${key}` || v === undefined) throw new FormatError({ path, line: i + 1 }, `expected '# ${key}<TAB>value'`);
    return v;
  };
  const micrograph = header(1, 'micrograph');
  const numbers = [header(2, 'width'), header(3, 'height'), header(4, 'floor')].map(Number);
  const [width, height, floor] = numbers as [number, number, number];
  if (!(width > 0 && height > 0) || Number.isNaN(floor)) throw new FormatError({ path, line: 3 }, 'width and height must be positive numbers and floor a number');
  const particles: Particle<'original'>[] = [];
  for (let i = 6; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const f = line.split('\t');
    const [x, y, score] = f.slice(0, 3).map(Number) as [number, number, number];
    if ((f.length !== 4 && f.length !== 6) || !Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(score)) {
      throw new FormatError({ path, line: i + 1 }, `expected x, y, score, diameter (and optionally box width, height) separated by tabs, found '${line.slice(0, 60)}'`);
    }
    const num = (v: string | undefined): number | undefined => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
    const d = num(f[3]);
    const bw = num(f[4]);
    const bh = num(f[5]);
    particles.push({ x, y, score, ...(d === undefined ? {} : { diameter: d }), ...(bw === undefined ? {} : { width: bw }), ...(bh === undefined ? {} : { height: bh }) });
  }
  return { micrograph, width, height, floor, particles };
}

/** Reads a detection file. @throws UserError when missing (an unfinished run), FormatError when malformed. */
export async function readDetections(path: string): Promise<MicrographDetections> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new UserError('ENOENT', `${path} is missing: the pick run is incomplete (rerun cryopick pick with --resume)`);
    }
    throw err;
  }
  return parseDetections(text, path);
}

export async function writeDetections(outDir: string, d: MicrographDetections, overwrite: boolean): Promise<string> {
  const path = detectionsPath(outDir, d.micrograph);
  await writeFileAtomic(path, formatDetections(d), { overwrite });
  return path;
}

/** The detections with score ≥ threshold as MicrographPicks in original pixels. */
export function selectByScore(d: MicrographDetections, threshold: number): MicrographPicks<'original'> {
  return {
    micrograph: d.micrograph,
    particles: d.particles.filter((p) => (p.score ?? Number.NEGATIVE_INFINITY) >= threshold),
    frame: ORIGINAL_FRAME,
    width: d.width,
    height: d.height,
  };
}

/** Every stored detection (≥ the floor) of the given micrographs of a pick run, in original pixels. */
export async function readRunPicks(runDir: string, micrographs: readonly string[]): Promise<MicrographPicks<'original'>[]> {
  const out: MicrographPicks<'original'>[] = [];
  for (const m of micrographs) out.push(selectByScore(await readDetections(detectionsPath(runDir, m)), Number.NEGATIVE_INFINITY));
  return out;
}
