// Choosing the score threshold after picking, from the detection store alone: a fixed logit, an
// expected number of particles per micrograph, or a target precision measured on labelled micrographs.
import type { MicrographPicks } from '../io/coords.js';
import { micrographKey } from '../io/coords.js';
import { ConfigError, ParameterError } from '../errors.js';
import { evaluatePicks } from '../eval/evaluate.js';
import { thresholdForPrecision } from '../eval/precision-recall.js';
import type { MatchMethod } from '../eval/match.js';
import { detectionsPath, readDetections, selectByScore } from './detections.js';

/**
 * Default operating thresholds (logits) for raw peak scores (the default, `--smooth 0`): the
 * median over five trainings of the best-F1 threshold on VALIDATION data, rounded to 0.1. Chosen
 * on the EMPIAR-10028 CryoPPP `valid` micrograph 065 only (87 particles; centre match ≤ 0.25 d =
 * 14 px, Hungarian), for ResNet8 models trained with the default loss on the 4 `train`
 * micrographs 061–064 (seeds 0/1, downsampling 3/4, epoch also selected on 065). Best-F1
 * thresholds: dense 0.47, 2.07, 0.20, 0.77, 0.28; strided −0.45, −0.33, −0.67, 0.07, −0.35. The
 * rounded values lose 0.006 F1 (dense) and 0.016 (strided) on average against each model's own
 * best. The test micrographs were not used. Strided scores run lower (the grid samples beside,
 * not on, most particle centres). Re-threshold with `cryopick threshold` when labelled
 * micrographs of your own data are available.
 */
export const DEFAULT_THRESHOLDS = { dense: 0.5, strided: -0.4 } as const;

/**
 * Thresholds for scores smoothed at `--smooth 0.15` (smooth.ts), which run well below raw peak
 * logits: chosen the same way on the same image over the five ResNet8 models trained at
 * downsampling 3 (best-F1 thresholds dense −3.71, −3.22, −3.33, −3.65, −3.77; strided −3.94,
 * −4.01, −3.57, −3.99, −4.01; the rounded values lose 0.009 and 0.006 F1 on average). For
 * another σ, choose one with `cryopick threshold`.
 */
export const SMOOTHED_THRESHOLDS = { dense: -3.7, strided: -4.0 } as const;

/**
 * The default threshold for an inference mode, for smoothed scores (the default) or raw peak
 * logits. For a smoothing other than the default σ, choose one with `cryopick threshold`.
 */
export function defaultThreshold(inference: 'dense' | 'strided', smoothed = false, family: 'topaz' | 'yolo' = 'topaz'): number {
  if (family === 'yolo') return YOLO_DEFAULT_THRESHOLD;
  return (smoothed ? SMOOTHED_THRESHOLDS : DEFAULT_THRESHOLDS)[inference];
}

/**
 * Default confidence threshold of the yolo family (scores are confidences in [0, 1]), chosen on
 * validation micrographs only. With rescore (the default: a box's confidence is its predicted IoU)
 * the best-F1 thresholds of the ×0.25 models were 0.61 (EMPIAR-10028 valid) and 0.51 (EMPIAR-10059
 * valid), hence 0.55; those of the ×0.5 models (the default width now) 0.63 and 0.50; without rescore they were 0.73 and 0.69, the earlier default 0.7
 * (BENCHMARKS.md, yolo section). crYOLO's own default is 0.3 (more picks, lower precision here).
 */
export const YOLO_DEFAULT_THRESHOLD = 0.55;

/** crYOLO's default confidence threshold (the benchmark reports F1 at it too). */
export const CRYOLO_THRESHOLD = 0.3;

/**
 * Default inference mode, chosen on the same validation data by the rule "strided if its AP is
 * within 0.01 of dense (or better) and it is faster": mean AP (r = 14 px) on valid 065 over the
 * same five models strided 0.854 vs dense 0.864 (per model −0.022 … 0.000), at 3–4× less time
 * per micrograph. `--inference dense` (and `--tta flips`) trade that time for the last 0.01 AP.
 */
export const DEFAULT_INFERENCE = 'strided' as const;
/** Default floor of the detection store: logit −6 (p ≈ 0.0025, Topaz's extraction default). */
export const DEFAULT_FLOOR = -6;

export type ThresholdRule =
  | { readonly kind: 'score'; readonly threshold: number }
  | { readonly kind: 'count'; readonly perMicrograph: number }
  | {
      readonly kind: 'precision';
      readonly target: number;
      readonly references: readonly MicrographPicks[];
      readonly diameterPx: number;
      readonly radiusPx?: number;
      readonly method?: MatchMethod;
    };

export interface ResolvedThreshold {
  readonly threshold: number;
  /** One line on how it was chosen (for the CLI and reports). */
  readonly detail: string;
}

async function allScores(runDir: string, micrographs: readonly string[]): Promise<Float64Array> {
  const chunks: Float64Array[] = [];
  let n = 0;
  for (const m of micrographs) {
    const d = await readDetections(detectionsPath(runDir, m));
    const s = Float64Array.from(d.particles, (p) => p.score ?? 0);
    chunks.push(s);
    n += s.length;
  }
  const out = new Float64Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Works out a threshold by the rule. 'count' picks the global logit at which the mean number of
 * particles per micrograph reaches the target (ties may add a few). 'precision' evaluates the
 * stored detections of the labelled micrographs and returns the LOWEST threshold whose pooled
 * precision is still ≥ target (so recall is as high as that precision allows).
 * @throws ConfigError when the rule is invalid or cannot be met.
 */
export async function resolveThreshold(runDir: string, micrographs: readonly string[], rule: ThresholdRule): Promise<ResolvedThreshold> {
  switch (rule.kind) {
    case 'score':
      if (!Number.isFinite(rule.threshold)) throw new ParameterError([{ path: 'threshold', message: `must be a number, got ${rule.threshold}` }]);
      return { threshold: rule.threshold, detail: `score >= ${rule.threshold}` };
    case 'count': {
      if (!(rule.perMicrograph > 0)) throw new ParameterError([{ path: 'count', message: `must be > 0, got ${rule.perMicrograph}` }]);
      const scores = (await allScores(runDir, micrographs)).sort().reverse();
      const k = Math.round(rule.perMicrograph * micrographs.length);
      if (k >= scores.length) {
        const floor = scores.length > 0 ? (scores[scores.length - 1] as number) : Number.NEGATIVE_INFINITY;
        return { threshold: floor, detail: `only ${scores.length} detections above the floor for ${k} wanted; keeping all` };
      }
      const t = scores[Math.max(0, k - 1)] as number;
      return { threshold: t, detail: `${rule.perMicrograph} particles per micrograph on average at score >= ${t.toFixed(4)}` };
    }
    case 'precision': {
      if (!(rule.target > 0 && rule.target <= 1)) throw new ParameterError([{ path: 'precision', message: `must be in (0, 1], got ${rule.target}` }]);
      const labelled = new Set(rule.references.map((r) => micrographKey(r.micrograph)));
      const preds: MicrographPicks[] = [];
      for (const m of micrographs) {
        if (labelled.has(micrographKey(m))) preds.push(selectByScore(await readDetections(detectionsPath(runDir, m)), Number.NEGATIVE_INFINITY));
      }
      if (preds.length === 0) throw new ConfigError([{ path: 'ref', message: 'none of the labelled micrographs was picked in this run' }], 'cannot measure precision');
      const refs = rule.references.filter((r) => preds.some((p) => micrographKey(p.micrograph) === micrographKey(r.micrograph)));
      const report = evaluatePicks(preds, refs, {
        diameterPx: rule.diameterPx,
        ...(rule.radiusPx === undefined ? {} : { radiusPx: rule.radiusPx }),
        ...(rule.method === undefined ? {} : { method: rule.method }),
      });
      const p = thresholdForPrecision(report.curve, rule.target);
      if (!p) {
        const best = Math.max(0, ...report.curve.map((c) => c.precision));
        throw new ConfigError([{ path: 'precision', message: `no threshold reaches precision ${rule.target} on ${preds.length} labelled micrograph(s); the highest is ${best.toFixed(3)}` }]);
      }
      return { threshold: p.threshold, detail: `precision ${p.precision.toFixed(3)}, recall ${p.recall.toFixed(3)} on ${preds.length} labelled micrograph(s) at score >= ${p.threshold.toFixed(4)}` };
    }
    default: {
      const never: never = rule;
      throw new TypeError(`unknown threshold rule ${JSON.stringify(never)}`);
    }
  }
}
