// `pick --classifier M --keep CLASS`: classifies every detection's crop (crop-predict.ts, the
// crops made as the particle-crop dataset was), adds the classifier's evidence for CLASS to the
// picker's score (re-ranking) and drops the detections whose p(CLASS) is below a minimum.
import { UsageError } from '../errors.js';
import type { Image2D } from '../image/image.js';
import { coordinateAsWritten, type MicrographDetections } from '../pick/detections.js';
import { loadCropClassifier } from './crop-predict.js';

/** Probabilities are clamped to [ε, 1 − ε] before the log-odds (±9.2), so one crop cannot outvote any picker score. */
const EPS = 1e-4;

export interface PickFilterOptions {
  /** The class to keep, e.g. "particle". */
  readonly keep: string;
  /** Detections with p(keep) below this are dropped (0 drops none). */
  readonly minProb: number;
  /** w: the new score is score + w · ln(p / (1 − p)), p = p(keep); 0 keeps the picker's scores. */
  readonly weight: number;
  readonly threads?: number;
}

export { PICK_FILTER_DEFAULTS } from './pick-filter-defaults.js';

export interface PickFilter {
  readonly filter: (image: Image2D, found: MicrographDetections) => Promise<MicrographDetections>;
  /** Detections seen and kept so far. */
  readonly stats: { seen: number; kept: number };
  release(): Promise<void>;
}

/**
 * Re-scores and filters one micrograph's detections given p(keep) of each (same order):
 * drops p < minProb, adds weight · logit(p) to the score, drops what falls below the floor,
 * and returns them in descending score again.
 */
export function rescoreDetections(found: MicrographDetections, pKeep: ArrayLike<number>, opts: Pick<PickFilterOptions, 'minProb' | 'weight'>): MicrographDetections {
  const out: { x: number; y: number; score: number }[] = [];
  found.particles.forEach((p, i) => {
    const prob = pKeep[i] as number;
    if (prob < opts.minProb) return;
    const q = Math.min(1 - EPS, Math.max(EPS, prob));
    const score = (p.score ?? 0) + opts.weight * Math.log(q / (1 - q));
    if (score >= found.floor) out.push({ ...p, score });
  });
  out.sort((a, b) => b.score - a.score);
  return { ...found, particles: out };
}

export async function createPickFilter(modelPath: string, opts: PickFilterOptions): Promise<PickFilter> {
  if (!(opts.minProb >= 0 && opts.minProb <= 1)) throw new UsageError(`--keep-min-prob: expected a probability in [0, 1], found ${opts.minProb}`);
  if (!(opts.weight >= 0) || !Number.isFinite(opts.weight)) throw new UsageError(`--classifier-weight: expected a number >= 0, found ${opts.weight}`);
  const model = await loadCropClassifier(modelPath, opts.threads ?? 0);
  const { meta } = model;
  const k = meta.classes.indexOf(opts.keep);
  if (k < 0) { await model.release(); throw new UsageError(`--keep: "${opts.keep}" is not a class of ${modelPath}; its classes: ${meta.classes.join(', ')}`); }
  const K = meta.classes.length;
  const stats = { seen: 0, kept: 0 };
  return {
    stats,
    async filter(image, found) {
      if (found.particles.length === 0) return found;
      // classified where the detection file puts them, so `cryopick classify` on the written picks agrees
      const at = found.particles.map((p) => ({ x: coordinateAsWritten(p.x), y: coordinateAsWritten(p.y) }));
      const prob = await model.classify(image, at);
      const pKeep = Float64Array.from(found.particles, (_, i) => prob[i * K + k] as number);
      const kept = rescoreDetections(found, pKeep, opts);
      stats.seen += found.particles.length;
      stats.kept += kept.particles.length;
      return kept;
    },
    release: () => model.release(),
  };
}
