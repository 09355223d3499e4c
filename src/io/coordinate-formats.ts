// The coordinate-format registry: detects a file's format (extension, then content), reads any
// supported format into MicrographPicks, and writes any of them, one file or per-micrograph
// folders, atomically and all-or-nothing. Coordinates are written as given (no frame change).
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { ConfigError, FormatError, type Problem } from '../errors.js';
import { FileExistsError, writeFileAtomic } from './atomic-write.js';
import { ORIGINAL_FRAME, type Frame, type MicrographPicks } from './coords.js';
import { formatBox, parseBox } from './box.js';
import { formatCbox, parseCbox } from './cbox.js';
import { formatCsvCoordinates, parseCsvCoordinates } from './csv-coords.js';
import { formatCryosparcCs, parseCryosparcCs } from './cryosparc-cs.js';
import { parseStar } from './star.js';
import { formatCoordinateList, formatRelionCoordinates, formatRelionParticles, picksFromStar, type RelionOptics } from './star-relion.js';
import { formatTopazTable, parseTopazTable } from './topaz-table.js';
import { stem } from './_coordinate-parse.js';
import { matchKey } from './micrograph-names.js';

/** Every format name accepted by readCoordinates/writeCoordinates (and `convert --from/--to`). */
export const COORDINATE_FORMATS = ['star', 'star-particles', 'star-autopick', 'box', 'cbox', 'topaz', 'cs', 'csv'] as const;
export type CoordinateFormat = (typeof COORDINATE_FORMATS)[number];

/** File extension per format (for per-micrograph outputs and detection). */
export const FORMAT_EXTENSIONS: Readonly<Record<CoordinateFormat, string>> = {
  star: '.star', 'star-particles': '.star', 'star-autopick': '.star', box: '.box', cbox: '.cbox', topaz: '.txt', cs: '.cs', csv: '.csv',
};

const BY_EXTENSION: Readonly<Record<string, CoordinateFormat>> = {
  '.star': 'star', '.box': 'box', '.coord': 'box', '.cbox': 'cbox', '.txt': 'topaz', '.tab': 'topaz', '.tsv': 'topaz',
  '.cs': 'cs', '.npy': 'cs', '.csv': 'csv',
};

/** A recoverable problem met while reading, with the file it came from. */
export interface CoordinateWarning extends Problem {
  readonly path: string;
}

export interface ReadCoordinatesOptions {
  /** Force a format instead of detecting it from the extension / content. */
  readonly format?: CoordinateFormat;
  /** Box size in pixels for box files that do not state it (2-column files). */
  readonly boxSize?: number;
  /** Downgrade recoverable problems (bad rows, empty files) to warnings. */
  readonly permissive?: boolean;
  /** Receives the warnings of permissive reads. */
  readonly onWarning?: (warning: CoordinateWarning) => void;
  /** The frame the file's coordinates are in (files do not say); default original, y down. */
  readonly frame?: Frame;
  /** Project folder for relative paths in autopick.star lists (default: searched upwards). */
  readonly projectDir?: string;
}

/**
 * Detects the format of a coordinate file: by extension, else by content.
 * @throws FormatError naming the path when neither tells.
 */
export function detectCoordinateFormat(path: string, head?: string | Uint8Array): CoordinateFormat {
  const ext = extname(path).toLowerCase();
  const byExt = BY_EXTENSION[ext];
  if (byExt) return byExt;
  if (head !== undefined) {
    const bytes = typeof head === 'string' ? Buffer.from(head, 'utf8') : Buffer.from(head);
    const magic = bytes.subarray(1, 6).toString('latin1');
    if ((bytes[0] === 0x93 && magic === 'NUMPY') || (bytes[0] === 0x94 && magic === 'CSDAT')) return 'cs';
    const text = bytes.subarray(0, 4096).toString('utf8');
    const first = text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'))?.trim() ?? '';
    if (/^data_cryolo/m.test(text)) return 'cbox';
    if (/^(data_|loop_)/.test(first)) return 'star';
    if (/^image_name\s/.test(first)) return 'topaz';
    if (/x[-_ ]?(coordinate|coord|png)/i.test(first) && first.includes(',')) return 'csv';
  }
  const known = Object.keys(BY_EXTENSION).join(' ');
  throw new FormatError({ path, line: 1 }, `unknown coordinate file extension '${ext || '(none)'}' (known: ${known}); name the format with --from`);
}

/**
 * Reads coordinates from a file or from a folder of per-micrograph files (every file whose
 * extension is a coordinate format, or of `options.format`, sorted by name).
 * STAR input may be a coordinate file, a particle file or an autopick.star list.
 * @throws FormatError with path and line for malformed files; fs errors for missing files.
 */
export async function readCoordinates(path: string, options: ReadCoordinatesOptions = {}): Promise<MicrographPicks[]> {
  if (!statSync(path).isDirectory()) return (await readOne(path, options)).picks;
  const names = (await readdir(path)).sort();
  const files = names.filter((n) => {
    const f = BY_EXTENSION[extname(n).toLowerCase()];
    return f !== undefined && (options.format === undefined || f === baseFormat(options.format));
  });
  if (files.length === 0) throw new FormatError({ path }, `folder holds no coordinate files (${Object.keys(BY_EXTENSION).join(' ')})`);
  const formats = [...new Set(files.map((n) => BY_EXTENSION[extname(n).toLowerCase()]))];
  if (formats.length > 1) {
    throw new FormatError({ path }, `folder holds coordinate files of several formats (${formats.join(', ')}); choose one with --from`);
  }
  const results = [];
  for (const f of files) results.push({ file: resolve(path, f), ...(await readOne(join(path, f), options)) });
  // A coordinate list (autopick.star) beside the files it lists: read the files once, via the list.
  const listed = new Set(results.flatMap((r) => r.listed));
  return results.filter((r) => !listed.has(r.file)).flatMap((r) => r.picks);
}

async function readOne(path: string, options: ReadCoordinatesOptions): Promise<{ picks: MicrographPicks[]; listed: string[] }> {
  const bytes = await readFile(path);
  const format = baseFormat(options.format ?? detectCoordinateFormat(path, bytes.subarray(0, 4096)));
  const parsed = await parseFile(path, bytes, format, options);
  for (const w of parsed.warnings) options.onWarning?.({ ...w, path });
  const frame = options.frame;
  return { picks: frame ? parsed.picks.map((m) => ({ ...m, frame })) : parsed.picks, listed: parsed.listed ?? [] };
}

function baseFormat(format: CoordinateFormat): CoordinateFormat {
  return format === 'star-particles' || format === 'star-autopick' ? 'star' : format;
}

interface FileContents { picks: MicrographPicks[]; warnings: Problem[]; listed?: string[] }

async function parseFile(path: string, bytes: Buffer, format: CoordinateFormat, options: ReadCoordinatesOptions): Promise<FileContents> {
  const common = { path, ...(options.permissive ? { permissive: true } : {}), ...(options.boxSize === undefined ? {} : { boxSize: options.boxSize }) };
  if (format === 'cs') return parseCryosparcCs(bytes, common);
  const text = bytes.toString('utf8');
  switch (format) {
    case 'box':
      // ASPIRE .coord files hold centres (`x y`), i.e. a zero box size.
      return parseBox(text, extname(path).toLowerCase() === '.coord' && options.boxSize === undefined ? { ...common, boxSize: 0 } : common);
    case 'cbox': return parseCbox(text, common);
    case 'topaz': return parseTopazTable(text, common);
    case 'csv': return parseCsvCoordinates(text, common);
    default: return parseStarCoordinates(path, text, options);
  }
}

async function parseStarCoordinates(path: string, text: string, options: ReadCoordinatesOptions, listedBy?: string): Promise<FileContents> {
  const warnings: Problem[] = [];
  if (text.trim() === '') {
    if (!options.permissive) throw new FormatError({ path, line: 1 }, 'empty file: expected a STAR file with particle coordinates');
    return { picks: [{ micrograph: stem(path), particles: [], frame: ORIGINAL_FRAME }], warnings: [{ line: 1, message: 'empty file: no particles' }] };
  }
  const parsed = parseStar(text, { path, ...(options.permissive ? { permissive: true } : {}) });
  warnings.push(...parsed.warnings);
  const meaning = picksFromStar(parsed.file, path);
  if (meaning.kind === 'picks') return { picks: meaning.picks, warnings };
  if (listedBy !== undefined) {
    throw new FormatError({ path, line: meaning.entries[0]?.line ?? 1 }, `is a coordinate-file list itself (listed by ${listedBy}); expected particle coordinates`);
  }
  const picks: MicrographPicks[] = [];
  const listed: string[] = [];
  for (const entry of meaning.entries) {
    const file = locateListed(path, entry.coordinateFile, options.projectDir);
    if (file === undefined) {
      const detail = `coordinate file ${entry.coordinateFile} (for ${entry.micrograph}) not found relative to the project folder`;
      if (!options.permissive) throw new FormatError({ path, line: entry.line }, detail);
      warnings.push({ line: entry.line, message: detail });
      continue;
    }
    listed.push(file);
    const inner = await parseStarCoordinates(file, await readFile(file, 'utf8'), options, path);
    for (const w of inner.warnings) options.onWarning?.({ ...w, path: file });
    const particles = inner.picks.flatMap((m) => m.particles);
    picks.push({ micrograph: entry.micrograph, particles, frame: ORIGINAL_FRAME });
  }
  return { picks, warnings, listed };
}

/** RELION lists paths relative to the project folder: try it, then the list's folder and its ancestors. */
function locateListed(listPath: string, listed: string, projectDir?: string): string | undefined {
  const tries: string[] = [];
  if (projectDir !== undefined) tries.push(resolve(projectDir, listed));
  let dir = dirname(resolve(listPath));
  for (;;) {
    tries.push(resolve(dir, listed));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  tries.push(resolve(listed));
  return tries.find((p) => existsSync(p) && statSync(p).isFile());
}

export interface WriteCoordinatesOptions {
  /** Replace existing files. Default false: any existing target is an error (nothing is written). */
  readonly overwrite?: boolean;
  /** Box size in pixels for box/cbox (default: each particle's diameter). */
  readonly boxSize?: number;
  /** One file per micrograph in the folder `path` (default for box/cbox with > 1 micrograph, or when `path` is a folder). */
  readonly perMicrograph?: boolean;
  /** Suffix of per-micrograph file names before the extension (default '' ; '_autopick' for star-autopick). */
  readonly suffix?: string;
  /** Optics group(s) for star-particles (pixel size required). */
  readonly optics?: RelionOptics | readonly RelionOptics[];
  /** star-particles: the 1-based optics group of each micrograph (default 1). */
  readonly opticsGroupOf?: (m: MicrographPicks) => number;
}

/** One output file, formatted but not yet written. */
interface PlannedFile { readonly path: string; readonly data: string | Uint8Array }

/**
 * Writes picks in `format` to `path` (a file, or a folder of per-micrograph files) and returns
 * the paths written. Everything is formatted and every target checked before the first write,
 * so a bad option or an existing file leaves no partial output.
 * - star: RELION 3.0 coordinate file(s); one file with `_rlnMicrographName` when it holds several
 *   micrographs or its name does not give back the micrograph's, unless per-micrograph. star-particles: RELION 3.1+ particles (needs optics.pixelSizeA).
 * - star-autopick: `path` is the list (autopick.star); coordinate files `<micrograph><suffix>.star`
 *   go beside it, listed relative to the list's folder.
 * - topaz, cs: one file for all micrographs. box, cbox, csv: per micrograph (csv may hold several).
 * @throws ConfigError for missing options (box size, pixel size, micrograph shape for cs),
 *   FileExistsError when a target exists without overwrite.
 */
export async function writeCoordinates(path: string, picks: readonly MicrographPicks[], format: CoordinateFormat,
  options: WriteCoordinatesOptions = {}): Promise<string[]> {
  const plan = planCoordinateFiles(path, picks, format, options);
  if (!options.overwrite) for (const f of plan) if (existsSync(f.path)) throw new FileExistsError(f.path);
  for (const f of plan) await writeFileAtomic(f.path, f.data, { overwrite: options.overwrite ?? false });
  return plan.map((f) => f.path);
}

function planCoordinateFiles(path: string, picks: readonly MicrographPicks[], format: CoordinateFormat, options: WriteCoordinatesOptions): PlannedFile[] {
  const box = options.boxSize === undefined ? {} : { boxSize: options.boxSize };
  const isDir = path.endsWith('/') || (existsSync(path) && statSync(path).isDirectory());
  switch (format) {
    case 'topaz': return [{ path, data: formatTopazTable(picks) }];
    case 'cs': return [{ path, data: formatCryosparcCs(picks) }];
    case 'star-particles': {
      if (!options.optics) throw new ConfigError([{ path: 'pixelSize', message: 'a RELION particle file needs the pixel size (--pixel-size)' }]);
      return [{ path, data: formatRelionParticles(picks, options.optics, options.opticsGroupOf) }];
    }
    case 'star-autopick': {
      const dir = dirname(path);
      const files = perMicrographFiles(dir, picks, '.star', options.suffix ?? '_autopick', (m) => formatRelionCoordinates([m], false));
      const entries = picks.map((m, i) => ({ micrograph: m.micrograph, coordinateFile: relative(dir, (files[i] as PlannedFile).path) }));
      return [...files, { path, data: formatCoordinateList(entries) }];
    }
    default: break;
  }
  const perMic = options.perMicrograph ?? (isDir || ((format === 'box' || format === 'cbox') && picks.length > 1));
  if (!perMic) {
    if ((format === 'box' || format === 'cbox') && picks.length > 1) {
      throw new ConfigError([{ path: 'out', message: `${format} files hold one micrograph each: write to a folder` }]);
    }
    // A lone micrograph is named by the file, unless the file name would not give it back.
    const named = picks.length !== 1 || matchKey(stem(path)) !== matchKey(picks[0]?.micrograph ?? '');
    const data = format === 'star' ? formatRelionCoordinates(picks, named)
      : format === 'csv' ? formatCsvCoordinates(picks, named)
        : format === 'box' ? formatBox(picks[0]?.particles ?? [], box) : formatCbox(picks[0]?.particles ?? [], box);
    return [{ path, data }];
  }
  const one = (m: MicrographPicks): string => format === 'star' ? formatRelionCoordinates([m], false)
    : format === 'csv' ? formatCsvCoordinates([m], false)
      : format === 'box' ? formatBox(m.particles, box) : formatCbox(m.particles, box);
  return perMicrographFiles(path, picks, FORMAT_EXTENSIONS[format], options.suffix ?? '', one);
}

function perMicrographFiles(dir: string, picks: readonly MicrographPicks[], ext: string, suffix: string,
  format: (m: MicrographPicks) => string): PlannedFile[] {
  const seen = new Map<string, string>();
  return picks.map((m) => {
    const name = `${stem(m.micrograph.replace(/(\.(gz|bz2))$/i, ''))}${suffix}${ext}`;
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new ConfigError([{ path: 'out', message: `micrographs ${previous} and ${m.micrograph} would both be written to ${name}` }]);
    }
    seen.set(name, m.micrograph);
    return { path: join(dir, name), data: format(m) };
  });
}
