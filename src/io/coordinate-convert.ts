// Coordinate conversion pipeline behind `cryopick convert`: read any format, match names to
// micrographs, threshold, count (and drop) picks off their micrograph, flip y, scale, and write any
// format. Order: threshold → off-image → flip y (input frame, input images' height) → scale → write.
import { ConfigError, ParameterError } from '../errors.js';
import { fileFrame, toFrame, type MicrographPicks } from './coords.js';
import { readCoordinates, writeCoordinates, type CoordinateFormat, type CoordinateWarning } from './coordinate-formats.js';
import { describeNameMismatch, matchMicrographNames, type NameMatch } from './micrograph-names.js';
import { micrographKind, readMicrograph } from './micrograph.js';
import { listMicrographs } from './micrograph-inputs.js';
import { openMrc } from './mrc-reader.js';
import type { RelionOptics } from './star-relion.js';
import { countOutside, describeOutside, fittingFrame, isInside, type OutsideCount, type PicksOnImage } from './picks-on-image.js';

export interface ConvertOptions {
  readonly from?: CoordinateFormat;
  readonly to: CoordinateFormat;
  readonly out: string;
  /** Multiply coordinates and diameters by this (e.g. 8 to go from ×8-binned to original pixels). */
  readonly scale?: number;
  /** Mirror y: y' = H − 1 − y, H from imageHeight or from the micrographs. */
  readonly flipY?: boolean;
  /** Height in pixels of the images the input coordinates refer to. */
  readonly imageHeight?: number;
  /** Folder of the micrographs the input coordinates refer to (names are matched, sizes read). */
  readonly micrographs?: string;
  /** Name each matched micrograph after its file in `micrographs` (e.g. for autopick.star or .cs output). */
  readonly useMicrographNames?: boolean;
  /** Keep particles with score ≥ threshold (particles without a score are kept). */
  readonly threshold?: number;
  readonly boxSize?: number;
  readonly overwrite?: boolean;
  readonly permissive?: boolean;
  readonly perMicrograph?: boolean;
  /** Drop picks outside their micrograph in `micrographs` (they are counted and reported either way). */
  readonly dropOutside?: boolean;
  readonly optics?: RelionOptics;
  readonly onWarning?: (w: CoordinateWarning) => void;
  /** Called with a readable report when names of coordinates and micrographs do not all match. */
  readonly onNameMismatch?: (report: string, match: NameMatch) => void;
  /** Called when picks lie outside their micrograph in `micrographs`: counts and a hint in one line. */
  readonly onOutside?: (report: string, counts: readonly OutsideCount[]) => void;
}

export interface ConvertResult {
  readonly written: readonly string[];
  readonly micrographs: number;
  readonly particles: number;
  readonly droppedByThreshold: number;
  /** Picks outside their micrograph in `micrographs` (dropped with `dropOutside`, else written). */
  readonly outside: number;
}

/** Merges picks of the same micrograph name (several input files), keeping first-seen order. */
export function mergePicks(all: readonly MicrographPicks[]): MicrographPicks[] {
  const byName = new Map<string, MicrographPicks>();
  for (const m of all) {
    const prev = byName.get(m.micrograph);
    byName.set(m.micrograph, prev ? { ...prev, particles: [...prev.particles, ...m.particles] } : m);
  }
  return [...byName.values()];
}

/** Width and height of a micrograph file (MRC: header only). */
export async function micrographSize(path: string): Promise<{ width: number; height: number }> {
  if (micrographKind(path) === 'mrc') {
    const opened = await openMrc(path, { permissive: true });
    try {
      return { width: opened.layout.width, height: opened.layout.height };
    } finally {
      await opened.source.close();
    }
  }
  const img = await readMicrograph(path);
  return { width: img.width, height: img.height };
}

/**
 * Converts coordinate files. Throws ConfigError for inconsistent options (flip without a
 * height, .cs output without sizes); FormatError from the readers; FileExistsError from writes.
 */
export async function convertCoordinates(inputs: readonly string[], options: ConvertOptions): Promise<ConvertResult> {
  if (options.flipY && options.imageHeight === undefined && options.micrographs === undefined) {
    throw new ParameterError([{ path: 'flip-y', message: '--flip-y needs the image height: give --image-height H or --micrographs DIR' }]);
  }
  if (options.scale !== undefined && !(options.scale > 0)) throw new ParameterError([{ path: 'scale', message: `must be > 0, got ${options.scale}` }]);
  if (options.dropOutside && options.micrographs === undefined) throw new ParameterError([{ path: 'drop-outside', message: '--drop-outside needs the micrographs\' sizes: give --micrographs DIR' }]);
  const read: MicrographPicks[] = [];
  for (const input of inputs) {
    read.push(...(await readCoordinates(input, {
      ...(options.from ? { format: options.from } : {}),
      ...(options.boxSize === undefined ? {} : { boxSize: options.boxSize }),
      ...(options.permissive ? { permissive: true } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    })));
  }
  let picks = mergePicks(read);
  if (options.micrographs !== undefined) picks = await attachMicrographs(picks, options);
  let dropped = 0;
  picks = picks.map((m) => {
    let particles = m.particles.slice();
    if (options.threshold !== undefined) {
      const t = options.threshold;
      const kept = particles.filter((p) => p.score === undefined || p.score >= t);
      dropped += particles.length - kept.length;
      particles = kept;
    }
    return { ...m, particles };
  });
  const outside = options.micrographs === undefined ? 0 : checkOutside(picks, options);
  if (options.dropOutside && outside > 0) {
    picks = picks.map((m) => (m.width === undefined || m.height === undefined ? m
      : { ...m, particles: m.particles.filter((p) => isInside(p, m.width as number, m.height as number)) }));
  }
  picks = picks.map((m) => {
    const particles = m.particles;
    const height = options.flipY ? options.imageHeight ?? m.height : m.height;
    if (options.flipY && height === undefined) throw new ParameterError([{ path: 'flip-y', message: `height of ${m.micrograph} unknown: no matching micrograph in --micrographs` }]);
    // the input is read as a frame binned by --scale, y flipped with --flip-y; the output is that frame's original
    const input = { ...m, particles, frame: fileFrame(options.scale ?? 1, options.flipY ?? false), ...(height === undefined ? {} : { height }) };
    return toFrame(input, { ...m.frame, yFlipped: false });
  });
  const written = await writeCoordinates(options.out, picks, options.to, {
    ...(options.overwrite ? { overwrite: true } : {}),
    ...(options.boxSize === undefined ? {} : { boxSize: options.boxSize }),
    ...(options.perMicrograph ? { perMicrograph: true } : {}),
    ...(options.optics ? { optics: options.optics } : {}),
  });
  return { written, micrographs: picks.length, particles: picks.reduce((n, m) => n + m.particles.length, 0), droppedByThreshold: dropped, outside };
}

/** Counts picks outside their micrograph (input frame: the micrographs the coordinates refer to) and reports them. */
function checkOutside(picks: readonly MicrographPicks[], options: ConvertOptions): number {
  const onImage: PicksOnImage[] = picks.flatMap((m) => (m.width === undefined || m.height === undefined ? []
    : [{ micrograph: m.micrograph, particles: m.particles, width: m.width, height: m.height }]));
  const counts = countOutside(onImage);
  const outside = counts.reduce((a, c) => a + c.outside, 0);
  if (outside === 0) return 0;
  const fit = fittingFrame(onImage);
  const hint = fit === undefined ? '' : `; ${fit.flipY ? 'mirrored in y (--flip-y)' : ''}${fit.flipY && fit.scale !== 1 ? ' and ' : ''}${fit.scale !== 1 ? `multiplied by ${fit.scale}` : ''} every pick would lie inside: were they picked on differently binned or y-flipped micrographs? (--scale, --flip-y)`;
  options.onOutside?.(`${describeOutside(counts)}${hint}`, counts);
  return outside;
}

async function attachMicrographs(picks: MicrographPicks[], options: ConvertOptions): Promise<MicrographPicks[]> {
  const files = listMicrographs([options.micrographs as string]);
  const match = matchMicrographNames(picks.map((m) => m.micrograph), files);
  const report = describeNameMismatch(match);
  if (report !== '') options.onNameMismatch?.(report, match);
  // sizes also count the picks outside their micrograph (MRC: header only)
  const out: MicrographPicks[] = [];
  for (const m of picks) {
    const file = match.matched.get(m.micrograph);
    const named = file !== undefined && options.useMicrographNames ? { ...m, micrograph: file } : m;
    if (file === undefined || (m.width !== undefined && m.height !== undefined)) { out.push(named); continue; }
    const size = await micrographSize(file);
    out.push({ ...named, width: size.width, height: size.height });
  }
  return out;
}
