// Topaz coordinate tables: tab-separated with a header `image_name x_coord y_coord [score]`,
// integer particle centres (x = column, y = row, origin top-left) in pixels of the images
// Topaz processed; image_name is the micrograph base name without extension.
import { FormatError, type Problem } from '../errors.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from './coords.js';
import {
  baseName, checkNotEmpty, formatExact, makeParticle, parseFiniteNumber, parseOptionalNumber,
  type CoordinateParseOptions, type ParsedCoordinates,
} from './_coordinate-parse.js';

const IMAGE_EXT = /(\.(mrc|mrcs|tif|tiff|png|jpg|jpeg|npy))+$/i;

/** The name Topaz uses for a micrograph: base name, image extensions removed. */
export function topazImageName(micrograph: string): string {
  return baseName(micrograph).replace(IMAGE_EXT, '');
}

/**
 * Parses a Topaz table. Extra columns (e.g. `source`) are ignored; rows are grouped by
 * image_name in order of first appearance.
 * @throws FormatError (path, line) for a missing header/column, wrong value count, bad number.
 */
export function parseTopazTable(text: string, options: CoordinateParseOptions = {}): ParsedCoordinates {
  const path = options.path ?? '<string>';
  const warnings: Problem[] = [];
  if (!checkNotEmpty(text, path, options.permissive, warnings)) return { picks: [], warnings };
  const lines = text.split('\n');
  let headerLine = 0;
  while (headerLine < lines.length && (lines[headerLine] as string).trim() === '') headerLine++;
  const header = (lines[headerLine] as string).trim().split(/\t|\s+/);
  const col = (name: string): number => header.indexOf(name);
  const [ci, cx, cy, cs] = [col('image_name'), col('x_coord'), col('y_coord'), col('score')];
  if (ci < 0 || cx < 0 || cy < 0) {
    throw new FormatError({ path, line: headerLine + 1 },
      `expected a Topaz header with image_name, x_coord, y_coord [score], found '${header.join(' ')}'`);
  }
  const groups = new Map<string, Particle[]>();
  for (let i = headerLine + 1; i < lines.length; i++) {
    const line = i + 1;
    const t = (lines[i] as string).replace(/\r$/, '');
    if (t.trim() === '') continue;
    const v = t.includes('\t') ? t.split('\t').map((s) => s.trim()) : t.trim().split(/\s+/);
    if (v.length !== header.length) {
      const detail = `expected ${header.length} values (${header.join(' ')}), found ${v.length}`;
      if (!options.permissive) throw new FormatError({ path, line }, detail);
      warnings.push({ line, message: `${detail}; row skipped` });
      continue;
    }
    const x = parseFiniteNumber(v[cx] as string, path, line, 'x_coord');
    const y = parseFiniteNumber(v[cy] as string, path, line, 'y_coord');
    const score = cs >= 0 ? parseOptionalNumber(v[cs] as string, path, line, 'score') : undefined;
    const name = v[ci] as string;
    let list = groups.get(name);
    if (!list) groups.set(name, (list = []));
    list.push(makeParticle(x, y, score));
  }
  const picks = [...groups].map(([micrograph, particles]) => ({ micrograph, particles, frame: ORIGINAL_FRAME }));
  return { picks, warnings };
}

/**
 * Formats picks as a Topaz table. Coordinates are rounded to integers as Topaz writes them;
 * the score column appears when any particle has a score (`nan` where one is missing).
 */
export function formatTopazTable(picks: readonly MicrographPicks[]): string {
  const withScore = picks.some((m) => m.particles.some((p) => p.score !== undefined));
  const out = [withScore ? 'image_name\tx_coord\ty_coord\tscore' : 'image_name\tx_coord\ty_coord'];
  for (const m of picks) {
    const name = topazImageName(m.micrograph);
    for (const p of m.particles) {
      const row = [name, String(Math.round(p.x)), String(Math.round(p.y))];
      if (withScore) row.push(p.score === undefined ? 'nan' : formatExact(p.score));
      out.push(row.join('\t'));
    }
  }
  return out.join('\n') + '\n';
}
