// Evaluation of predicted picks against reference picks, per micrograph and pooled over all:
// P/R/F1 at a threshold, best F1, AP, mean IoU of matches, PR curve, and a y-flip check.
import { ORIGINAL_FRAME, micrographKey, lengthInFrame, toFrame, type MicrographPicks, type Particle } from '../io/coords.js';
import { ConfigError } from '../errors.js';
import { pairByName } from '../io/micrograph-names.js';
import { matchParticles, type MatchCriterion, type MatchMethod, type MatchOptions } from './match.js';
import { bestF1, meanIouAtThreshold, metricsAtThreshold, precisionRecallCurve, type PrPoint, type ScoredOutcome } from './precision-recall.js';
import { averagePrecision } from './average-precision.js';

export interface EvaluateOptions {
  /** Particle diameter in pixels of the original micrograph (box side for IoU). */
  readonly diameterPx: number;
  /** 'distance' (default) or 'iou'. */
  readonly criterion?: 'distance' | 'iou';
  /** Matching radius in original pixels; default 0.25 × diameter (≈ crYOLO's IoU ≥ 0.6). */
  readonly radiusPx?: number;
  /** Minimum box IoU for the 'iou' criterion; default 0.6. */
  readonly minIou?: number;
  readonly method?: MatchMethod;
  /** Operating threshold for P/R/F1; default −Infinity (every prediction). */
  readonly threshold?: number;
  /**
   * Which micrographs count: 'references' (default, Topaz's 'target'): every micrograph with
   * reference picks, those without predictions counting as all missed; 'common': only those
   * present in both sets (e.g. references for a whole dataset, picks of a test subset).
   */
  readonly micrographs?: 'references' | 'common';
  /** Micrograph heights (original px) by micrographKey, for the y-flip check when picks lack them. */
  readonly heights?: ReadonlyMap<string, number>;
}

export interface Metrics extends PrPoint {
  readonly references: number;
  readonly predictions: number;
  /** Mean IoU of the matches at the threshold; undefined when nothing matched. */
  readonly meanIou: number | undefined;
  /** Average precision; undefined without references. */
  readonly ap: number | undefined;
  readonly bestF1: PrPoint | undefined;
}

export interface MicrographEvaluation extends Metrics {
  readonly micrograph: string;
}

export interface EvaluationReport {
  readonly settings: { readonly criterion: MatchCriterion; readonly method: MatchMethod; readonly diameterPx: number; readonly threshold: number };
  /** Pooled over all micrographs (micro average): every prediction and reference counts once. */
  readonly overall: Metrics & { readonly micrographs: number };
  /** Unweighted means over micrographs that have references (macro average). */
  readonly macro: { readonly ap: number | undefined; readonly f1: number | undefined; readonly bestF1: number | undefined };
  readonly curve: readonly PrPoint[];
  readonly perMicrograph: readonly MicrographEvaluation[];
  /** Matches found with predictions y-flipped, pooled, when heights were known (else undefined). */
  readonly flippedMatches: number | undefined;
  readonly warnings: readonly string[];
}

function inOriginalFrame(picks: MicrographPicks): MicrographPicks {
  try {
    return toFrame(picks, ORIGINAL_FRAME);
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError([{ path: picks.micrograph, message: err.message }], 'cannot compare picks');
    throw err;
  }
}

function metricsOf(outcomes: readonly ScoredOutcome[], references: number, threshold: number): Metrics & { curve: PrPoint[] } {
  const curve = precisionRecallCurve(outcomes, references);
  return {
    ...metricsAtThreshold(outcomes, references, threshold),
    references,
    predictions: outcomes.length,
    meanIou: meanIouAtThreshold(outcomes, threshold),
    ap: references === 0 ? undefined : averagePrecision(outcomes.map((o) => o.score ?? Number.POSITIVE_INFINITY), outcomes.map((o) => o.matched), references),
    bestF1: references === 0 ? undefined : bestF1(curve),
    curve,
  };
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length === 0 ? undefined : v.reduce((a, b) => a + b, 0) / v.length;
}

/** Resolves the matching criterion from the options, checking ranges. */
export function matchOptionsFrom(options: EvaluateOptions): MatchOptions {
  const problems = [];
  if (!(options.diameterPx > 0)) problems.push({ path: 'diameter', message: `must be > 0 px, got ${options.diameterPx}` });
  if (options.radiusPx !== undefined && !(options.radiusPx > 0)) problems.push({ path: 'radius', message: `must be > 0 px, got ${options.radiusPx}` });
  if (options.minIou !== undefined && !(options.minIou > 0 && options.minIou <= 1)) problems.push({ path: 'iou', message: `must be in (0, 1], got ${options.minIou}` });
  if (problems.length > 0) throw new ConfigError(problems);
  const criterion: MatchCriterion = options.criterion === 'iou'
    ? { kind: 'iou', minIou: options.minIou ?? 0.6 }
    : { kind: 'distance', radiusPx: options.radiusPx ?? 0.25 * options.diameterPx };
  return { criterion, method: options.method ?? 'hungarian', boxSizePx: options.diameterPx };
}

/** Matches one micrograph and scores every prediction as matched or not. */
function evaluateMicrograph(pred: readonly Particle[], ref: readonly Particle[], match: MatchOptions, threshold: number): { outcomes: ScoredOutcome[]; metrics: Metrics } {
  const result = matchParticles(pred, ref, match);
  const iouOf = new Map(result.pairs.map((q) => [q.pred, q.iou]));
  const outcomes: ScoredOutcome[] = pred.map((p, i) => {
    const iou = iouOf.get(i);
    return iou === undefined ? { score: p.score, matched: false } : { score: p.score, matched: true, iou };
  });
  const { curve: _curve, ...metrics } = metricsOf(outcomes, ref.length, threshold);
  return { outcomes, metrics };
}

/**
 * Matches of the best-scored predictions (as many as there are references, so a long tail of
 * low-score detections cannot mask the difference) as given and with y mirrored in `height`.
 */
function flipCheck(pred: readonly Particle[], ref: readonly Particle[], height: number, match: MatchOptions): { direct: number; flipped: number } {
  const top = [...pred].sort((a, b) => (b.score ?? Infinity) - (a.score ?? Infinity)).slice(0, Math.max(1, ref.length));
  const greedy = { ...match, method: 'greedy' as const };
  return {
    direct: matchParticles(top, ref, greedy).pairs.length,
    flipped: matchParticles(toFrame({ micrograph: '', particles: top, frame: { ...ORIGINAL_FRAME, yFlipped: true }, height }, ORIGINAL_FRAME).particles, ref, greedy).pairs.length,
  };
}

/**
 * Evaluates predictions against references. Micrographs are paired by name (pairByName: the rule
 * `convert` and `train` use);
 * only micrographs present in the references count (Topaz's default), and references without
 * predictions count as all missed. Both sides are converted to original-micrograph pixels first.
 * @throws ConfigError on invalid options or picks whose frame cannot be converted.
 */
export function evaluatePicks(predictions: readonly MicrographPicks[], references: readonly MicrographPicks[], options: EvaluateOptions): EvaluationReport {
  const match = matchOptionsFrom(options);
  const threshold = options.threshold ?? Number.NEGATIVE_INFINITY;
  const predByKey = new Map<string, MicrographPicks>();
  for (const p of predictions) {
    const key = micrographKey(p.micrograph);
    const prev = predByKey.get(key);
    const cur = inOriginalFrame(p);
    predByKey.set(key, prev ? { ...prev, particles: [...prev.particles, ...cur.particles] } : cur);
  }
  const warnings: string[] = [];
  const pooled: ScoredOutcome[] = [];
  const perMicrograph: MicrographEvaluation[] = [];
  let totalRefs = 0;
  let direct = 0; // matches of the top-scored predictions, as given and y-flipped (frame check)
  let flipped: number | undefined;
  const seen = new Set<string>();
  for (const refPicks of references) {
    const key = micrographKey(refPicks.micrograph);
    if (seen.has(key)) throw new ConfigError([{ path: refPicks.micrograph, message: 'appears twice in the references' }], 'cannot compare picks');
    seen.add(key);
  }
  // predictions paired with references by the one name-matching rule
  const { byMicrograph: predFor, match: names } = pairByName(predByKey, [...seen]);
  const missing: string[] = [];
  for (const refPicks of references) {
    const key = micrographKey(refPicks.micrograph);
    if (!predFor.has(key)) {
      missing.push(refPicks.micrograph);
      if (options.micrographs === 'common') continue;
    }
    const ref = inOriginalFrame(refPicks);
    const pred = predFor.get(key);
    const one = evaluateMicrograph(pred?.particles ?? [], ref.particles, match, threshold);
    pooled.push(...one.outcomes);
    totalRefs += ref.particles.length;
    perMicrograph.push({ micrograph: refPicks.micrograph, ...one.metrics });
    const height = ref.height ?? pred?.height ?? options.heights?.get(key);
    if (height !== undefined && pred && pred.particles.length > 0) {
      const check = flipCheck(pred.particles, ref.particles, height, match);
      direct += check.direct;
      flipped = (flipped ?? 0) + check.flipped;
    }
  }
  if (missing.length > 0 && options.micrographs !== 'common') {
    warnings.push(`${missing.length} micrograph(s) with reference picks have no predictions and count as all missed (e.g. ${missing[0]}); evaluate only micrographs in both sets with --common`);
  }
  const unused = [...names.unmatchedCoordinates, ...names.ambiguous];
  if (unused.length > 0) warnings.push(`${unused.length} micrograph(s) with predictions have no reference picks and were ignored (e.g. ${unused[0]})`);
  if (predictions.length > 0 && unused.length === predByKey.size && references.length > 0) {
    warnings.push('no micrograph names matched between predictions and references; check the file names');
  }
  if (flipped !== undefined && flipped >= Math.max(5, 2 * direct)) {
    warnings.push(`${flipped} matches with predictions y-flipped versus ${direct} as given: the two pick sets probably use opposite y directions (frame mistake)`);
  }
  const { curve, ...overall } = metricsOf(pooled, totalRefs, threshold);
  const withRefs = perMicrograph.filter((m) => m.references > 0);
  return {
    settings: { criterion: match.criterion, method: match.method, diameterPx: options.diameterPx, threshold },
    overall: { ...overall, micrographs: perMicrograph.length },
    macro: { ap: mean(withRefs.map((m) => m.ap)), f1: mean(withRefs.map((m) => m.f1)), bestF1: mean(withRefs.map((m) => m.bestF1?.f1)) },
    curve,
    perMicrograph,
    flippedMatches: flipped,
    warnings,
  };
}

/** The median particle diameter (original px) recorded in the references, if any have one. */
export function diameterFromReferences(references: readonly MicrographPicks[]): number | undefined {
  const d: number[] = [];
  for (const r of references) for (const p of r.particles) if (p.diameter !== undefined) d.push(lengthInFrame(p.diameter, r.frame, ORIGINAL_FRAME));
  if (d.length === 0) return undefined;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}
