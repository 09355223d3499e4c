// CryoPPP-style CSV coordinates: a header row naming the columns (`X-Coordinate,Y-Coordinate,
// Diameter` in CryoPPP; `x_png,y_png,diameter_px` in our derived EMPIAR-10028 files), one
// particle centre per row, one micrograph per file unless a micrograph-name column is present.
import { FormatError, type Problem } from '../errors.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from './coords.js';
import {
  checkNotEmpty, formatCompact, formatExact, makeParticle, parseFiniteNumber, parseOptionalNumber, stem,
  type CoordinateParseOptions, type ParsedCoordinates,
} from './_coordinate-parse.js';

/** Accepted header names per role, compared lower-case with spaces/underscores/hyphens removed. */
const ROLES = {
  x: ['xcoordinate', 'xcoord', 'x', 'xpng', 'centerx', 'xpx'],
  y: ['ycoordinate', 'ycoord', 'y', 'ypng', 'centery', 'ypx'],
  diameter: ['diameter', 'diameterpx', 'diameterpixels'],
  score: ['score', 'confidence', 'fom'],
  micrograph: ['micrographsfilename', 'micrographfilename', 'micrograph', 'micrographname', 'imagename', 'filename'],
} as const;

function normalise(label: string): string {
  return label.trim().replace(/^"|"$/g, '').toLowerCase().replace(/[\s_\-()]/g, '');
}

/** Splits one CSV line, honouring double-quoted fields with `""` escapes. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * Parses a coordinate CSV. Micrograph name: the name column if present, else the file name.
 * @throws FormatError (path, line) for a header without x/y columns, a row with a different
 *   number of fields than the header, or a non-numeric value.
 */
export function parseCsvCoordinates(text: string, options: CoordinateParseOptions = {}): ParsedCoordinates {
  const path = options.path ?? '<string>';
  const warnings: Problem[] = [];
  if (!checkNotEmpty(text, path, options.permissive, warnings)) {
    return { picks: [{ micrograph: stem(path), particles: [], frame: ORIGINAL_FRAME }], warnings };
  }
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  let h = 0;
  while ((lines[h] as string).trim() === '') h++;
  const header = splitCsvLine(lines[h] as string);
  const find = (names: readonly string[]): number => header.findIndex((l) => names.includes(normalise(l)));
  const [cx, cy, cd, cs, cm] = [find(ROLES.x), find(ROLES.y), find(ROLES.diameter), find(ROLES.score), find(ROLES.micrograph)];
  if (cx < 0 || cy < 0) {
    throw new FormatError({ path, line: h + 1 }, `expected a CSV header with X-Coordinate and Y-Coordinate columns, found '${lines[h]}'`);
  }
  const groups = new Map<string, Particle[]>();
  const fallback = stem(path);
  if (cm < 0) groups.set(fallback, []);
  for (let i = h + 1; i < lines.length; i++) {
    const line = i + 1;
    if ((lines[i] as string).trim() === '') continue;
    const v = splitCsvLine(lines[i] as string);
    if (v.length !== header.length) {
      const detail = `expected ${header.length} comma-separated values (${header.join(',')}), found ${v.length}`;
      if (!options.permissive) throw new FormatError({ path, line }, detail);
      warnings.push({ line, message: `${detail}; row skipped` });
      continue;
    }
    const x = parseFiniteNumber(v[cx] as string, path, line, header[cx] as string);
    const y = parseFiniteNumber(v[cy] as string, path, line, header[cy] as string);
    const d = cd >= 0 ? parseOptionalNumber(v[cd] as string, path, line, header[cd] as string) : undefined;
    const s = cs >= 0 ? parseOptionalNumber(v[cs] as string, path, line, header[cs] as string) : undefined;
    const name = cm >= 0 ? (v[cm] as string) : fallback;
    let list = groups.get(name);
    if (!list) groups.set(name, (list = []));
    list.push(makeParticle(x, y, s, d));
  }
  const picks = [...groups].map(([micrograph, particles]) => ({ micrograph, particles, frame: ORIGINAL_FRAME }));
  return { picks, warnings };
}

function quoteCsv(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Formats picks as CryoPPP CSV (`X-Coordinate,Y-Coordinate,Diameter[,Score]`); with more than
 * one micrograph a leading `Micrographs Filename` column names each row's micrograph.
 */
export function formatCsvCoordinates(picks: readonly MicrographPicks[], withMicrographName = picks.length > 1): string {
  const withScore = picks.some((m) => m.particles.some((p) => p.score !== undefined));
  const header = ['X-Coordinate', 'Y-Coordinate', 'Diameter'];
  if (withScore) header.push('Score');
  if (withMicrographName) header.unshift('Micrographs Filename');
  const out = [header.join(',')];
  for (const m of picks) {
    for (const p of m.particles) {
      const row = [formatCompact(p.x, 6), formatCompact(p.y, 6), p.diameter === undefined ? '' : formatCompact(p.diameter, 6)];
      if (withScore) row.push(p.score === undefined ? '' : formatExact(p.score));
      if (withMicrographName) row.unshift(quoteCsv(m.micrograph));
      out.push(row.join(','));
    }
  }
  return out.join('\n') + '\n';
}
