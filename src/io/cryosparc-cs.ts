// cryoSPARC .cs particle files (NumPy structured arrays). Pick fields: location/micrograph_path,
// location/micrograph_shape ([ny, nx] = [H, W]), location/center_x_frac, location/center_y_frac.
// Convention: x_px = center_x_frac · W and y_px = center_y_frac · H, in the micrograph's array frame.
import { ConfigError, FormatError, type Problem } from '../errors.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from './coords.js';
import { formatNpy, parseNpy, structuredDtype, type NpyCell } from './npy.js';
import { makeParticle, type CoordinateParseOptions, type ParsedCoordinates } from './_coordinate-parse.js';

const X = 'location/center_x_frac';
const Y = 'location/center_y_frac';
const SHAPE = 'location/micrograph_shape';
const PATH = 'location/micrograph_path';
const MIC_UID = 'location/micrograph_uid';
/** Score fields, in order of preference (template/blob picker NCC, then our own). */
const SCORE_FIELDS = ['pick_stats/ncc_score', 'pick_stats/score'];

function num(cell: NpyCell | undefined): number {
  return typeof cell === 'bigint' ? Number(cell) : Number(cell);
}

/**
 * Reads the picks of a .cs file, grouped by micrograph path (or uid when there is no path),
 * with width/height from micrograph_shape. Score from pick_stats/ncc_score when present.
 * @throws FormatError for non-.npy data, missing location fields, non-finite fractions or
 *   a zero micrograph shape (with the row in the message).
 */
export function parseCryosparcCs(bytes: Uint8Array, options: CoordinateParseOptions = {}): ParsedCoordinates {
  const path = options.path ?? '<bytes>';
  const warnings: Problem[] = [];
  if (bytes.length === 0) {
    if (!options.permissive) throw new FormatError({ path, byteOffset: 0 }, 'empty file: expected a cryoSPARC .cs (NumPy) file');
    return { picks: [], warnings: [{ byteOffset: 0, message: 'empty file: no particles' }] };
  }
  if (bytes[0] === 0x94 && Buffer.from(bytes.subarray(1, 6)).toString('latin1') === 'CSDAT') {
    throw new FormatError({ path, byteOffset: 0 }, 'this .cs uses the compressed CSDAT format of cryosparc-tools, which is not supported: re-save it with the default NumPy format (Dataset.save without CSDAT_FORMAT)');
  }
  const table = parseNpy(bytes, path);
  const missing = [X, Y, SHAPE].filter((f) => !table.columns.has(f));
  if (missing.length > 0) {
    const have = [...table.columns.keys()].slice(0, 10).join(', ');
    throw new FormatError({ path, byteOffset: 0 }, `no pick location fields ${missing.join(', ')} (found ${have}${table.columns.size > 10 ? ', ...' : ''})`);
  }
  const xs = table.columns.get(X) as readonly NpyCell[];
  const ys = table.columns.get(Y) as readonly NpyCell[];
  const shapes = table.columns.get(SHAPE) as readonly NpyCell[];
  const names = table.columns.get(PATH) ?? table.columns.get(MIC_UID);
  const scoreField = SCORE_FIELDS.find((f) => table.columns.has(f));
  const scores = scoreField === undefined ? undefined : table.columns.get(scoreField);
  const groups = new Map<string, { particles: Particle[]; width: number; height: number }>();
  for (let r = 0; r < table.length; r++) {
    const shape = shapes[r] as readonly NpyCell[];
    const height = num(shape[0]);
    const width = num(shape[1]);
    const fx = num(xs[r]);
    const fy = num(ys[r]);
    if (!(width > 0 && height > 0) || !Number.isFinite(fx) || !Number.isFinite(fy)) {
      throw new FormatError({ path, byteOffset: 0 }, `row ${r}: expected finite fractions and a non-zero micrograph shape, found x ${fx}, y ${fy}, shape [${height}, ${width}]`);
    }
    const name = names === undefined ? 'micrograph' : String(names[r]);
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { particles: [], width, height }));
    const s = scores === undefined ? undefined : num(scores[r]);
    g.particles.push(makeParticle(fx * width, fy * height, s !== undefined && Number.isFinite(s) ? s : undefined));
  }
  const picks = [...groups].map(([micrograph, g]) => ({ micrograph, particles: g.particles, frame: ORIGINAL_FRAME, width: g.width, height: g.height }));
  return { picks, warnings };
}

/**
 * Writes picks as a cryoSPARC .cs table: uid, location/micrograph_uid, location/exp_group_id,
 * location/micrograph_path, location/micrograph_shape, location/center_{x,y}_frac, and
 * pick_stats/ncc_score when any particle has a score (NaN where missing).
 * @throws ConfigError when a micrograph's width/height is unknown (needed for the fractions).
 */
export function formatCryosparcCs(picks: readonly MicrographPicks[]): Uint8Array {
  const unknown = picks.filter((m) => m.width === undefined || m.height === undefined).map((m) => m.micrograph);
  if (unknown.length > 0) {
    throw new ConfigError([{ path: 'micrographs', message: `cryoSPARC .cs needs each micrograph's size (give --micrographs DIR); unknown for ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}` }]);
  }
  const withScore = picks.some((m) => m.particles.some((p) => p.score !== undefined));
  const maxName = picks.reduce((n, m) => Math.max(n, Buffer.byteLength(m.micrograph, 'utf8')), 1);
  const spec: [string, string, number[]?][] = [
    ['uid', '<u8'], [MIC_UID, '<u8'], ['location/exp_group_id', '<u4'], [PATH, `|S${maxName}`], [SHAPE, '<u4', [2]], [X, '<f4'], [Y, '<f4'],
  ];
  if (withScore) spec.push(['pick_stats/ncc_score', '<f4']);
  const cols = new Map<string, NpyCell[]>(spec.map(([n]) => [n, []]));
  const push = (name: string, v: NpyCell): void => { (cols.get(name) as NpyCell[]).push(v); };
  let uid = 0n;
  picks.forEach((m, k) => {
    const width = m.width as number;
    const height = m.height as number;
    for (const p of m.particles) {
      push('uid', uid++);
      push(MIC_UID, BigInt(k));
      push('location/exp_group_id', 1);
      push(PATH, m.micrograph);
      push(SHAPE, [height, width]);
      push(X, p.x / width);
      push(Y, p.y / height);
      if (withScore) push('pick_stats/ncc_score', p.score ?? NaN);
    }
  });
  return formatNpy({ dtype: structuredDtype(spec), length: Number(uid), columns: cols });
}
