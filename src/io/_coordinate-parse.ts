// Internal helpers shared by the coordinate readers/writers: strict number parsing with
// located errors, building Particle objects without undefined fields, and number formatting.
import { FormatError, type Problem } from '../errors.js';
import type { MicrographPicks, Particle } from './coords.js';

/** Parses a finite number; anything else is a FormatError naming the column and value. */
export function parseFiniteNumber(text: string, path: string, line: number, column: string): number {
  const t = text.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) {
    throw new FormatError({ path, line }, `expected a number in column ${column}, found '${text}'`);
  }
  return v;
}

/** Like {@link parseFiniteNumber}, but `<NA>`, `NA`, `nan`, `None` and empty give undefined. */
export function parseOptionalNumber(text: string, path: string, line: number, column: string): number | undefined {
  const t = text.trim();
  if (t === '' || /^(<na>|na|nan|none|null)$/i.test(t)) return undefined;
  return parseFiniteNumber(t, path, line, column);
}

/** Builds a Particle, leaving out absent optional fields (exactOptionalPropertyTypes). */
export function makeParticle(x: number, y: number, score?: number, diameter?: number): Particle {
  const p: { x: number; y: number; score?: number; diameter?: number } = { x, y };
  if (score !== undefined) p.score = score;
  if (diameter !== undefined) p.diameter = diameter;
  return p;
}

/** Fixed-point text for coordinates (RELION writes %12.6f); trailing zeros kept for alignment. */
export function formatFixed(v: number, digits = 6): string {
  return v.toFixed(digits);
}

/** Shortest text that reads back as the same double (scores keep full precision). */
export function formatExact(v: number): string {
  return String(v);
}

/** The base name of a path without folders. */
export function baseName(path: string): string {
  return path.replace(/\\/g, '/').split('/').pop() ?? path;
}

/** The base name without its last extension. */
export function stem(path: string): string {
  return baseName(path).replace(/\.[^.]*$/, '');
}

/** Options shared by the text coordinate parsers. */
export interface CoordinateParseOptions {
  /** Path for error messages and for per-micrograph names. */
  readonly path?: string;
  /** Downgrade recoverable problems (bad rows, empty files) to warnings. */
  readonly permissive?: boolean;
  /** Box size in pixels, for box files that do not state it. */
  readonly boxSize?: number;
}

/** Picks parsed from one file, plus the problems tolerated in permissive mode. */
export interface ParsedCoordinates {
  readonly picks: MicrographPicks[];
  readonly warnings: Problem[];
}

/** Empty (or whitespace-only) text: an error, or in permissive mode a warning and no rows. */
export function checkNotEmpty(text: string, path: string, permissive: boolean | undefined, warnings: Problem[]): boolean {
  if (text.trim() !== '') return true;
  if (!permissive) throw new FormatError({ path, line: 1 }, 'empty file: expected particle coordinates');
  warnings.push({ line: 1, message: 'empty file: no particles' });
  return false;
}

/** Compact decimal text (at most `digits` decimals, trailing zeros dropped). */
export function formatCompact(v: number, digits = 3): string {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
