// Loads the training set once: reads every micrograph and the coordinate files, matches picks to
// micrographs by name, preprocesses each micrograph (downsample, filter, normalise) and scales
// the picks (and the known negatives) into the downsampled frame. Everything stays in memory.
import { basename } from 'node:path';
import { ConfigError, UserError } from '../errors.js';
import type { Image2D } from '../image/image.js';
import { fileFrame, micrographKey, ORIGINAL_FRAME, toFrame, type Frame, type MicrographPicks, type Particle } from '../io/coords.js';
import { countOutside, describeOutside, fittingFrame, type FittingFrame, type PicksOnImage } from '../io/picks-on-image.js';
import { readCoordinates } from '../io/coordinate-formats.js';
import { readMicrograph } from '../io/micrograph.js';
import { listMicrographs } from '../io/micrograph-inputs.js';
import { pairByName } from '../io/micrograph-names.js';
import type { LabelledMicrograph } from './dataset.js';
import { labelMask } from './labels.js';
import { matchEmptyMicrographs, negativeMask } from './negatives.js';

export interface NegativeLabels {
  readonly picks: ReadonlyMap<string, readonly Particle[]>;
  readonly emptyMicrographs: readonly string[];
  /** Radius of a negative pick's disk, downsampled pixels. */
  readonly radius: number;
}

export interface LoadOptions {
  readonly picksBinning: number;
  readonly radius: number;
  /** Preprocesses one micrograph; returns the image and its per-axis downsampling factors. */
  readonly preprocess: (image: Image2D, path: string) => Promise<{ image: Image2D; frame: Frame<'grid'> }>;
  readonly onMessage?: (text: string) => void;
  readonly onLoaded?: (done: number, total: number) => void;
  /** Keep micrographs without picks (as unlabelled data); default false. */
  readonly keepUnlabelled?: boolean;
  /** Micrograph reader (default readMicrograph, strict). */
  readonly readImage?: (path: string) => Promise<Image2D>;
  /** Known negatives: negative picks by micrograph key, micrographs marked empty (names), disk radius. */
  readonly negatives?: NegativeLabels;
  /** Aborting stops loading with an InterruptedError (nothing has been trained yet). */
  readonly signal?: AbortSignal;
}

/** Ctrl+C while micrographs were still being loaded: nothing to export. */
export class InterruptedError extends UserError {
  constructor(what: string) {
    super('EINTERRUPTED', `interrupted while ${what}; nothing was trained or written`);
  }
}

/** Reads every coordinate file and groups the picks by micrograph key. */
export async function readPicks(files: readonly string[], picksBinning: number): Promise<Map<string, Particle[]>> {
  const byKey = new Map<string, Particle[]>();
  for (const f of files) {
    const sets: MicrographPicks[] = await readCoordinates(f, { frame: fileFrame(picksBinning) });
    for (const s of sets) {
      const k = micrographKey(s.micrograph);
      const list = byKey.get(k) ?? [];
      list.push(...s.particles);
      byKey.set(k, list);
    }
  }
  return byKey;
}

/**
 * Loads and preprocesses the micrographs with their picks.
 * @throws ConfigError when no micrograph has picks (usually a naming mismatch; names are listed).
 */
export async function loadLabelledMicrographs(micrographs: readonly string[], picks: ReadonlyMap<string, readonly Particle[]>,
  o: LoadOptions): Promise<LabelledMicrograph[]> {
  const paths = listMicrographs(micrographs);
  const { byMicrograph, match } = pairByName(picks, paths);
  const neg = o.negatives;
  const negPaired = neg ? pairByName(neg.picks, paths) : undefined;
  const negBy = negPaired?.byMicrograph ?? new Map<string, readonly Particle[]>();
  const empty = neg ? matchEmptyMicrographs(neg.emptyMicrographs, paths, byMicrograph) : new Set<string>();
  const unmatched = [...match.unmatchedCoordinates, ...match.ambiguous];
  const labelled = (p: string): boolean => (byMicrograph.get(p)?.length ?? 0) > 0 || (negBy.get(p)?.length ?? 0) > 0 || empty.has(p);
  const selected = paths.filter((p) => o.keepUnlabelled || labelled(p));
  // negatives alone teach nothing about particles: at least one micrograph needs particle picks
  if (selected.length === 0 || (!o.keepUnlabelled && !selected.some((p) => (byMicrograph.get(p)?.length ?? 0) > 0))) {
    throw new ConfigError([{
      path: 'picks',
      message: `no micrograph has picks: coordinate names (${[...picks.keys()].slice(0, 5).join(', ')}) do not match ` +
        `micrograph files (${paths.slice(0, 5).map((p) => basename(p)).join(', ')})`,
    }]);
  }
  if (unmatched.length > 0) {
    o.onMessage?.(`${unmatched.length} coordinate set(s) match no micrograph and are ignored: ${unmatched.slice(0, 8).join(', ')}${unmatched.length > 8 ? ', ...' : ''}`);
  }
  const negUnmatched = negPaired ? [...negPaired.match.unmatchedCoordinates, ...negPaired.match.ambiguous] : [];
  if (negUnmatched.length > 0) {
    o.onMessage?.(`${negUnmatched.length} negative coordinate set(s) match no micrograph and are ignored: ${negUnmatched.slice(0, 8).join(', ')}${negUnmatched.length > 8 ? ', ...' : ''}`);
  }
  if (selected.length < paths.length) {
    const emptyFiles = paths.filter((p) => byMicrograph.has(p) && !labelled(p)).length;
    o.onMessage?.(`${paths.length - selected.length} micrograph(s) have no picks and are not used for training` +
      (emptyFiles > 0 ? ` (${emptyFiles} of them have an empty coordinate file: name micrographs without particles with --empty-micrographs to train on them as negatives)` : ''));
  }
  if (neg && (negBy.size > 0 || empty.size > 0)) {
    o.onMessage?.(`known negatives: ${[...negBy.values()].reduce((a, l) => a + l.length, 0)} negative pick(s) on ${negBy.size} micrograph(s), ${empty.size} empty micrograph(s)`);
  }
  const out: LabelledMicrograph[] = [];
  const onImage: PicksOnImage[] = [];
  for (const [i, path] of selected.entries()) {
    if (o.signal?.aborted) throw new InterruptedError('loading micrographs');
    const raw = await (o.readImage ?? readMicrograph)(path);
    const { image, frame } = await o.preprocess(raw, path);
    const inFile = { micrograph: path, particles: (byMicrograph.get(path) ?? []).map(({ x, y }) => ({ x, y })), frame: fileFrame(o.picksBinning) };
    onImage.push({ micrograph: basename(path), particles: toFrame(inFile, ORIGINAL_FRAME).particles, width: raw.width, height: raw.height });
    const inside = (l: readonly Particle[]): Particle<'grid'>[] => toFrame({ ...inFile, particles: l.map(({ x, y }) => ({ x, y })) }, frame).particles
      .filter((p) => p.x >= -0.5 && p.y >= -0.5 && p.x < image.width - 0.5 && p.y < image.height - 0.5);
    const scaled = inside(inFile.particles);
    const mask = labelMask(image.width, image.height, scaled, o.radius);
    const negativePicks = inside(negBy.get(path) ?? []);
    const negatives = neg ? negativeMask(image.width, image.height, negativePicks, neg.radius, empty.has(path), mask) : undefined;
    out.push({
      name: basename(path), image, frame, originalWidth: raw.width, originalHeight: raw.height, picks: scaled, mask,
      ...(negatives ? { negatives } : {}), ...(negativePicks.length > 0 ? { negativePicks } : {}),
    });
    o.onLoaded?.(i + 1, selected.length);
  }
  checkPicksInside(onImage, o);
  return out;
}

/**
 * Picks outside their micrograph are not used: refused when none is inside, else a warning with
 * the counts; both suggest the binning or y flip that would fit.
 * @throws UserError EOUTSIDE when no pick lies inside its micrograph.
 */
function checkPicksInside(onImage: readonly PicksOnImage[], o: LoadOptions): void {
  const counts = countOutside(onImage).filter((c) => c.inside + c.outside > 0); // micrographs with picks
  if (counts.every((c) => c.outside === 0)) return;
  const fit = fittingFrame(onImage);
  const hint = fit ? `; ${fitHint(fit, o.picksBinning)}` : '; check the coordinates\' binning (--picks-binning) and y direction';
  if (counts.every((c) => c.inside === 0)) {
    throw new UserError('EOUTSIDE', `no training pick lies inside its micrograph: ${describeOutside(counts)}${hint}`);
  }
  o.onMessage?.(`warning: ${describeOutside(counts)}; they are not used for training${hint}`);
}

function fitHint(fit: FittingFrame, binning: number): string {
  const parts: string[] = [];
  if (fit.scale !== 1) parts.push(`--picks-binning ${binning * fit.scale}`);
  if (fit.flipY) parts.push('y mirrored (y\' = height − 1 − y; `cryopick convert PICKS --flip-y --micrographs DIR --to FORMAT -o OUT` writes mirrored picks)');
  return `with ${parts.join(' and ')} every pick would lie inside`;
}
