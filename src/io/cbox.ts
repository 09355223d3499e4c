// crYOLO .cbox files (crYOLO >= 1.8): STAR with a `data_global` block (format version) and a
// `data_cryolo` loop `_CoordinateX _CoordinateY _CoordinateZ _Width _Height _Depth _EstWidth
// _EstHeight _Confidence _NumBoxes _Angle [_filamentid]`; X/Y are box corners, `<NA>` = no value.
import { ParameterError, FormatError, type Problem } from '../errors.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from './coords.js';
import { formatStar, parseStar, starColumn, type StarLoop } from './star.js';
import {
  checkNotEmpty, formatExact, formatFixed, makeParticle, parseFiniteNumber, parseOptionalNumber, stem,
  type CoordinateParseOptions, type ParsedCoordinates,
} from './_coordinate-parse.js';

const LABELS = ['CoordinateX', 'CoordinateY', 'CoordinateZ', 'Width', 'Height', 'Depth', 'EstWidth', 'EstHeight', 'Confidence', 'NumBoxes', 'Angle'];

/**
 * Parses a .cbox file into one micrograph named after the file: centre = corner + Width/2,
 * score = Confidence, diameter = EstWidth (crYOLO's estimated size) or else Width.
 * Z and filament ids are ignored (2-D particles; filament segments become particles).
 * @throws FormatError (path, line) for empty files, a missing data_cryolo loop or
 *   coordinate columns, and non-numeric values.
 */
export function parseCbox(text: string, options: CoordinateParseOptions = {}): ParsedCoordinates {
  const path = options.path ?? '<string>';
  const warnings: Problem[] = [];
  const particles: Particle[] = [];
  const picks: MicrographPicks[] = [{ micrograph: stem(path), particles, frame: ORIGINAL_FRAME }];
  if (!checkNotEmpty(text, path, options.permissive, warnings)) return { picks, warnings };
  const parsed = parseStar(text, { path, ...(options.permissive === undefined ? {} : { permissive: options.permissive }) });
  warnings.push(...parsed.warnings);
  const block = parsed.file.blocks.find((b) => b.name === 'cryolo');
  const loop = block?.loops[0];
  if (!block || !loop) throw new FormatError({ path, line: 1 }, 'expected a data_cryolo block with a loop_ (crYOLO .cbox)');
  const col = (label: string): number => starColumn(loop, label);
  const [cx, cy, cw, ch, cew, ceh, cc] = ['CoordinateX', 'CoordinateY', 'Width', 'Height', 'EstWidth', 'EstHeight', 'Confidence'].map(col) as [number, number, number, number, number, number, number];
  if (cx < 0 || cy < 0) {
    throw new FormatError({ path, line: loop.line }, `data_cryolo has no _CoordinateX/_CoordinateY columns (found ${loop.labels.map((l) => '_' + l).join(' ')})`);
  }
  const get = (row: readonly string[], c: number, line: number, label: string): number | undefined =>
    c < 0 ? undefined : parseOptionalNumber(row[c] as string, path, line, label);
  loop.rows.forEach((row, i) => {
    const line = loop.rowLines[i] ?? 0;
    const x = parseFiniteNumber(row[cx] as string, path, line, '_CoordinateX');
    const y = parseFiniteNumber(row[cy] as string, path, line, '_CoordinateY');
    const w = get(row, cw, line, '_Width') ?? options.boxSize;
    const h = get(row, ch, line, '_Height') ?? w;
    if (w === undefined || h === undefined) throw new FormatError({ path, line }, '_Width is <NA>: give the box size to find the centre');
    const est = get(row, cew, line, '_EstWidth');
    const score = get(row, cc, line, '_Confidence');
    const estH = get(row, ceh, line, '_EstHeight');
    const p = makeParticle(x + w / 2, y + h / 2, score, est ?? (w > 0 ? w : undefined));
    // crYOLO's estimated box (used for the IoU of matched boxes).
    particles.push(est !== undefined && estH !== undefined ? { ...p, width: est, height: estH } : p);
  });
  return { picks, warnings };
}

export interface FormatCboxOptions {
  /** Box size in pixels (Width/Height); default: each particle's diameter. */
  readonly boxSize?: number;
}

/**
 * Formats one micrograph's particles as a .cbox file: corner = centre − box/2, EstWidth /
 * EstHeight = the estimated box width / height (box detectors) or else the diameter, Confidence = score, `<NA>` where a value is unknown.
 * @throws ConfigError when neither boxSize nor the particle diameter gives a box size.
 */
export function formatCbox(particles: readonly Particle[], options: FormatCboxOptions = {}): string {
  const na = '<NA>';
  const rows = particles.map((p) => {
    const size = options.boxSize ?? p.diameter;
    if (size === undefined || !(size >= 0)) {
      throw new ParameterError([{ path: 'boxSize', message: 'crYOLO .cbox output needs a box size (--box-size) when particles have no diameter' }]);
    }
    const est = (v: number | undefined): string => (v === undefined ? na : formatFixed(v));
    return [formatFixed(p.x - size / 2), formatFixed(p.y - size / 2), na, formatFixed(size), formatFixed(size), na,
      est(p.width ?? p.diameter), est(p.height ?? p.diameter), p.score === undefined ? na : formatExact(p.score), na, na];
  });
  const loop: StarLoop = { labels: LABELS, rows, line: 0, rowLines: [] };
  return formatStar({
    blocks: [
      { name: 'global', pairs: [{ key: 'cbox_format_version', value: '1.0', line: 0 }], loops: [], line: 0 },
      { name: 'cryolo', pairs: [], loops: [loop], line: 0 },
    ],
  });
}
