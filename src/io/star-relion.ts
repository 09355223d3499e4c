// RELION meaning of STAR files for particle picks: reads per-micrograph coordinate files
// (RELION 3.0), particle files with optics groups (3.1+) and coordinate-file lists
// (RELION 4/5 autopick.star); writes all three. Coordinates are centres in micrograph pixels;
// a box detector's estimated sizes travel as crYOLO's `_EstWidth`/`_EstHeight` columns.
import { FormatError } from '../errors.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from './coords.js';
import { formatStar, starColumn, type StarBlock, type StarFile, type StarLoop } from './star.js';
import { formatExact, formatFixed, makeParticle, parseFiniteNumber, stem } from './_coordinate-parse.js';

/** RELION's "no value" filler (manual picks carry FOM -999); read back as "no score". */
export const RELION_UNSET = -999;

/** One row of an autopick.star / manualpick.star coordinate-file list. */
export interface CoordinateListEntry {
  readonly micrograph: string;
  readonly coordinateFile: string;
  readonly line: number;
}

/** What a STAR file holds, for picking purposes. */
export type StarCoordinates =
  | { readonly kind: 'picks'; readonly picks: MicrographPicks[] }
  | { readonly kind: 'list'; readonly entries: CoordinateListEntry[] };

function findLoop(file: StarFile, labels: readonly string[], preferBlock: string): { block: StarBlock; loop: StarLoop } | undefined {
  const hits: { block: StarBlock; loop: StarLoop }[] = [];
  for (const block of file.blocks) {
    for (const loop of block.loops) if (labels.every((l) => starColumn(loop, l) >= 0)) hits.push({ block, loop });
  }
  return hits.find((h) => h.block.name === preferBlock) ?? hits[0];
}

/**
 * Interprets a parsed STAR file as picks (coordinate or particle file) or as a list of
 * coordinate files. Micrographs come from `_rlnMicrographName` (first-appearance order),
 * else from the file name (`mic001_autopick.star` → `mic001_autopick`).
 * Score: `_rlnAutopickFigureOfMerit`, else legacy `_rlnParticleScore`; -999 means none.
 * Estimated box sizes: `_EstWidth`/`_EstHeight` (as crYOLO's .cbox; the diameter is their mean).
 * @throws FormatError when there are no coordinate columns or a value is not a number.
 */
export function picksFromStar(file: StarFile, path: string): StarCoordinates {
  const found = findLoop(file, ['rlnCoordinateX', 'rlnCoordinateY'], 'particles');
  if (!found) {
    const list = findLoop(file, ['rlnMicrographName', 'rlnMicrographCoordinates'], 'coordinate_files');
    if (list) {
      const m = starColumn(list.loop, 'rlnMicrographName');
      const c = starColumn(list.loop, 'rlnMicrographCoordinates');
      const entries = list.loop.rows.map((row, i) => ({
        micrograph: row[m] as string,
        coordinateFile: row[c] as string,
        line: list.loop.rowLines[i] ?? 0,
      }));
      return { kind: 'list', entries };
    }
    const labels = file.blocks.flatMap((b) => b.loops.flatMap((l) => l.labels.map((s) => '_' + s)));
    const line = file.blocks[0]?.line ?? 1;
    const seen = labels.length > 0 ? `found columns ${labels.slice(0, 8).join(' ')}${labels.length > 8 ? ' ...' : ''}` : 'found no loop';
    throw new FormatError({ path, line }, `no _rlnCoordinateX/_rlnCoordinateY columns (${seen})`);
  }
  const { loop } = found;
  const cx = starColumn(loop, 'rlnCoordinateX');
  const cy = starColumn(loop, 'rlnCoordinateY');
  let cs = starColumn(loop, 'rlnAutopickFigureOfMerit');
  if (cs < 0) cs = starColumn(loop, 'rlnParticleScore');
  const cm = starColumn(loop, 'rlnMicrographName');
  const cw = starColumn(loop, 'EstWidth');
  const ch = starColumn(loop, 'EstHeight');
  const groups = new Map<string, Particle[]>();
  const fallbackName = stem(path);
  loop.rows.forEach((row, i) => {
    const line = loop.rowLines[i] ?? 0;
    const x = parseFiniteNumber(row[cx] as string, path, line, '_rlnCoordinateX');
    const y = parseFiniteNumber(row[cy] as string, path, line, '_rlnCoordinateY');
    let score: number | undefined;
    if (cs >= 0) {
      score = parseFiniteNumber(row[cs] as string, path, line, '_' + (loop.labels[cs] ?? ''));
      if (score === RELION_UNSET) score = undefined;
    }
    const name = cm >= 0 ? (row[cm] as string) : fallbackName;
    let list = groups.get(name);
    if (!list) groups.set(name, (list = []));
    if (cw >= 0 && ch >= 0) {
      const width = parseFiniteNumber(row[cw] as string, path, line, '_EstWidth');
      const height = parseFiniteNumber(row[ch] as string, path, line, '_EstHeight');
      list.push({ ...makeParticle(x, y, score, (width + height) / 2), width, height });
    } else {
      list.push(makeParticle(x, y, score));
    }
  });
  if (groups.size === 0) groups.set(fallbackName, []);
  const picks = [...groups].map(([micrograph, particles]) => ({ micrograph, particles, frame: ORIGINAL_FRAME }));
  return { kind: 'picks', picks };
}

function coordinateRows(particles: readonly Particle[], sizes: boolean, name?: string): string[][] {
  return particles.map((p) => {
    const row = [formatFixed(p.x), formatFixed(p.y), '0', p.score === undefined ? formatFixed(RELION_UNSET) : formatExact(p.score), formatFixed(RELION_UNSET)];
    if (sizes) row.push(formatFixed(p.width ?? p.diameter ?? 0, 2), formatFixed(p.height ?? p.diameter ?? 0, 2));
    if (name !== undefined) row.push(name);
    return row;
  });
}

const COORDINATE_LABELS = ['rlnCoordinateX', 'rlnCoordinateY', 'rlnClassNumber', 'rlnAutopickFigureOfMerit', 'rlnAnglePsi'];

/**
 * RELION 3.0 coordinate file (`data_` + loop of X, Y, class, FOM, psi), as RELION AutoPick
 * writes it. With more than one micrograph (or `withMicrographName`), adds
 * `_rlnMicrographName` so one file holds them all (the form cryoSPARC and Topaz import). When the
 * picks carry estimated box sizes (a box detector's), adds `_EstWidth _EstHeight` (RELION keeps
 * unknown labels as they are).
 */
export function formatRelionCoordinates(picks: readonly MicrographPicks[], withMicrographName = picks.length > 1): string {
  const sizes = picks.some((m) => m.particles.some((p) => p.width !== undefined && p.height !== undefined));
  const labels = [...COORDINATE_LABELS, ...(sizes ? ['EstWidth', 'EstHeight'] : []), ...(withMicrographName ? ['rlnMicrographName'] : [])];
  const rows = picks.flatMap((m) => coordinateRows(m.particles, sizes, withMicrographName ? m.micrograph : undefined));
  const loop: StarLoop = { labels, rows, line: 0, rowLines: [] };
  return formatStar({ blocks: [{ name: '', pairs: [], loops: [loop], line: 0 }] });
}

/** Optics of a RELION 3.1+ particle file (one optics group). */
export interface RelionOptics {
  /** Micrograph pixel size in Å (`_rlnMicrographOriginalPixelSize`, `_rlnImagePixelSize`). */
  readonly pixelSizeA: number;
  readonly voltageKv?: number;
  readonly sphericalAberrationMm?: number;
  readonly amplitudeContrast?: number;
  /** Particle box size in pixels (`_rlnImageSize`); default 0 = not extracted yet. */
  readonly imageSize?: number;
  readonly opticsGroupName?: string;
}

/**
 * RELION 3.1+ particle file: `# version 30001`, `data_optics` (one row per optics group, numbered
 * from 1 in the given order) and `data_particles` with coordinates, micrograph names, optics
 * group (`groupOf`, default 1), FOM and zero origins (Å).
 * @throws RangeError when a pixel size is not positive or `groupOf` names a missing group.
 */
export function formatRelionParticles(picks: readonly MicrographPicks[], optics: RelionOptics | readonly RelionOptics[],
  groupOf: (m: MicrographPicks) => number = () => 1): string {
  const groups: readonly RelionOptics[] = Array.isArray(optics) ? optics : [optics as RelionOptics];
  groups.forEach((o, i) => {
    if (!(o.pixelSizeA > 0)) throw new RangeError(`a RELION particle file needs the pixel size, got ${o.pixelSizeA} for optics group ${i + 1}`);
  });
  const opticsLoop: StarLoop = {
    labels: ['rlnOpticsGroup', 'rlnOpticsGroupName', 'rlnMicrographOriginalPixelSize', 'rlnVoltage', 'rlnSphericalAberration',
      'rlnAmplitudeContrast', 'rlnImagePixelSize', 'rlnImageSize', 'rlnImageDimensionality'],
    rows: groups.map((o, i) => [String(i + 1), o.opticsGroupName ?? `opticsGroup${i + 1}`, formatFixed(o.pixelSizeA), formatFixed(o.voltageKv ?? 300),
      formatFixed(o.sphericalAberrationMm ?? 2.7), formatFixed(o.amplitudeContrast ?? 0.1), formatFixed(o.pixelSizeA),
      String(o.imageSize ?? 0), '2']),
    line: 0,
    rowLines: [],
  };
  const rows = picks.flatMap((m) => {
    const g = groupOf(m);
    if (!Number.isInteger(g) || g < 1 || g > groups.length) throw new RangeError(`optics group ${g} of ${m.micrograph} is not in 1..${groups.length}`);
    return m.particles.map((p) => [formatFixed(p.x), formatFixed(p.y), m.micrograph, String(g),
      p.score === undefined ? formatFixed(RELION_UNSET) : formatExact(p.score), '0', formatFixed(RELION_UNSET), formatFixed(0), formatFixed(0)]);
  });
  const particleLoop: StarLoop = {
    labels: ['rlnCoordinateX', 'rlnCoordinateY', 'rlnMicrographName', 'rlnOpticsGroup', 'rlnAutopickFigureOfMerit', 'rlnClassNumber',
      'rlnAnglePsi', 'rlnOriginXAngst', 'rlnOriginYAngst'],
    rows,
    line: 0,
    rowLines: [],
  };
  return formatStar({
    blocks: [
      { name: 'optics', pairs: [], loops: [opticsLoop], line: 0 },
      { name: 'particles', pairs: [], loops: [particleLoop], line: 0 },
    ],
  }, { headerComment: 'version 30001' });
}

/** RELION 4/5 `autopick.star`: `data_coordinate_files` mapping micrographs to coordinate files. */
export function formatCoordinateList(entries: readonly { micrograph: string; coordinateFile: string }[]): string {
  const loop: StarLoop = {
    labels: ['rlnMicrographName', 'rlnMicrographCoordinates'],
    rows: entries.map((e) => [e.micrograph, e.coordinateFile]),
    line: 0,
    rowLines: [],
  };
  return formatStar({ blocks: [{ name: 'coordinate_files', pairs: [], loops: [loop], line: 0 }] }, { headerComment: 'version 30001' });
}
