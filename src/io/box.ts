// EMAN .box files: one particle per line, `x y w h [score]` (tabs or spaces), where (x, y) is
// the box's lower-left corner in EMAN's display, i.e. centre = corner + size/2 on the same
// row axis as RELION for MRC micrographs. Two-column files (`x y`) need the box size given.
import { ParameterError, FormatError, type Problem } from '../errors.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from './coords.js';
import {
  checkNotEmpty, formatCompact, formatExact, makeParticle, parseFiniteNumber, parseOptionalNumber, stem,
  type CoordinateParseOptions, type ParsedCoordinates,
} from './_coordinate-parse.js';

/**
 * Parses one .box file (one micrograph, named after the file). The box width becomes the
 * particle diameter (when > 0); a fifth column is the score.
 * @throws FormatError with path and line for empty files, non-numeric values, rows whose
 *   value count is not 2, 4 or 5 or differs from the first row, and 2-column files without boxSize.
 */
export function parseBox(text: string, options: CoordinateParseOptions = {}): ParsedCoordinates {
  const path = options.path ?? '<string>';
  const warnings: Problem[] = [];
  const particles: Particle[] = [];
  const picks: MicrographPicks[] = [{ micrograph: stem(path), particles, frame: ORIGINAL_FRAME }];
  if (!checkNotEmpty(text, path, options.permissive, warnings)) return { picks, warnings };
  let columns = 0;
  let firstLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const v = t.split(/\s+/);
    const problem = rowProblem(v.length, columns, firstLine);
    if (problem) {
      if (!options.permissive) throw new FormatError({ path, line }, problem);
      warnings.push({ line, message: `${problem}; row skipped` });
      return;
    }
    if (columns === 0) { columns = v.length; firstLine = line; }
    const cx = parseFiniteNumber(v[0] as string, path, line, '1 (x)');
    const cy = parseFiniteNumber(v[1] as string, path, line, '2 (y)');
    let w: number;
    let h: number;
    if (v.length >= 4) {
      w = parseFiniteNumber(v[2] as string, path, line, '3 (width)');
      h = parseFiniteNumber(v[3] as string, path, line, '4 (height)');
    } else {
      if (options.boxSize === undefined) {
        throw new FormatError({ path, line }, 'box file has only x y columns: give the box size (--box-size) to find the centres');
      }
      w = h = options.boxSize;
    }
    const score = v.length === 5 ? parseOptionalNumber(v[4] as string, path, line, '5 (score)') : undefined;
    particles.push(makeParticle(cx + w / 2, cy + h / 2, score, w > 0 ? w : undefined));
  });
  return { picks, warnings };
}

function rowProblem(count: number, columns: number, firstLine: number): string | undefined {
  if (count !== 2 && count !== 4 && count !== 5) return `expected 4 values (x y width height) or 5 (with score), found ${count}`;
  if (columns !== 0 && count !== columns) return `expected ${columns} values like line ${firstLine}, found ${count}`;
  return undefined;
}

export interface FormatBoxOptions {
  /** Box size in pixels; default: each particle's estimated width/height, else its diameter. */
  readonly boxSize?: number;
}

/**
 * Formats one micrograph's particles as an EMAN box file (corner = centre − size/2, a score
 * column when any particle has a score; `nan` for the ones without).
 * @throws ConfigError when neither boxSize nor the particle diameter gives a box size.
 */
export function formatBox(particles: readonly Particle[], options: FormatBoxOptions = {}): string {
  const withScore = particles.some((p) => p.score !== undefined);
  const lines = particles.map((p) => {
    // Box detectors' estimated width and height, unless one box size is given.
    const size = options.boxSize ?? p.width ?? p.diameter;
    const sizeY = options.boxSize ?? p.height ?? size;
    if (size === undefined || !(size >= 0) || sizeY === undefined || !(sizeY >= 0)) {
      throw new ParameterError([{ path: 'boxSize', message: 'EMAN box output needs a box size (--box-size) when particles have no diameter' }]);
    }
    const row = [formatCompact(p.x - size / 2), formatCompact(p.y - sizeY / 2), formatCompact(size), formatCompact(sizeY)];
    if (withScore) row.push(p.score === undefined ? 'nan' : formatExact(p.score));
    return row.join('\t');
  });
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
