// A threshold from the score distribution of the micrographs being picked (noise peaks plus a
// particle mode, fitted in score-fits.ts; calibrated on validation data), and runDefaultThreshold:
// the one place that says which threshold pick applied to a run by default.
import { UsageError } from '../errors.js';
import { GENERAL_FIXED_THRESHOLD } from './general-model.js';
import { readRunPicks } from './detections.js';
import { defaultThreshold } from './threshold.js';
import type { PickManifest } from './pick-run.js';
import { crossing, fitExponentialTail, fitGumbel, quantileOf, type Component } from './score-fits.js';

export interface ScoreModes {
  readonly threshold: number;
  readonly background: Component;
  /** Weight: estimated fraction of all detections that are particles. */
  readonly particle: Component;
  /** Which fit set the threshold (for reports). */
  readonly rule: string;
}

/** Quantiles of the scores where the exponential-tail fits start (the threshold is the median of their crossings). */
export const TAIL_CUTS = [0.3, 0.4, 0.5, 0.6] as const;

/**
 * The automatic threshold of `scores` (≥ 10 of them), plus `offset`. The rule, chosen on
 * simulated and validation sets only (BENCHMARKS.md, "Default threshold rule"):
 * - An exponential background plus a Gaussian particle mode is fitted to all scores. When it
 *   finds particles to be most detections (a model that suppresses its background, as a
 *   self-trained one does), the background is refitted as a Gumbel law (the maximum of noise
 *   peaks) over all scores, and the threshold is where the two weighted densities cross.
 * - Otherwise the background's upper tail is taken as exponential: above each of the score
 *   quantiles TAIL_CUTS an exponential plus a Gaussian is fitted, and the threshold is the
 *   median (lower middle) of their crossings. Fitting only the upper part keeps the particle
 *   mode from being spent on the bulk of low noise peaks when particles are few.
 * @throws UsageError when there are too few detections to see two modes.
 */
export function thresholdFromScores(scores: readonly number[], offset = 0): ScoreModes {
  if (scores.length < 10) throw new UsageError(`only ${scores.length} detection(s) above the floor: too few to set the threshold from the score distribution; give --threshold`);
  const x = [...scores].sort((a, b) => a - b);
  const whole = fitExponentialTail(x, x[0] as number);
  if (whole.particle.weight > 0.5) {
    const g = fitGumbel(x);
    return { threshold: crossing(g) + offset, background: g.background, particle: g.particle, rule: 'particles are most detections: Gumbel background' };
  }
  const fits = TAIL_CUTS.map((q) => {
    const cut = quantileOf(x, q);
    const above = x.filter((v) => v >= cut);
    const fit = fitExponentialTail(above, cut);
    return { fit, t: crossing(fit), share: above.length / x.length };
  }).sort((a, b) => a.t - b.t);
  const mid = fits[Math.floor((fits.length - 1) / 2)] as (typeof fits)[number];
  const p = mid.fit.particle;
  const b = mid.fit.background;
  return {
    threshold: mid.t + offset,
    particle: { ...p, weight: p.weight * mid.share },
    background: { ...b, weight: 1 - p.weight * mid.share },
    rule: 'exponential background tail',
  };
}

/**
 * Offset (logits) added to the automatic threshold by `pick` and self-training: 0, since the rule
 * was calibrated as it is (BENCHMARKS.md, "Default threshold rule").
 */
export const GENERAL_THRESHOLD_OFFSET = 0;

/** The run's threshold from the scores of every stored detection of `micrographs` (see thresholdFromScores). */
export async function runThreshold(runDir: string, micrographs: readonly string[], offset: number): Promise<ScoreModes> {
  const picks = await readRunPicks(runDir, micrographs);
  return thresholdFromScores(picks.flatMap((m) => m.particles.map((p) => p.score ?? Number.NEGATIVE_INFINITY)).filter(Number.isFinite), offset);
}

/** The threshold of a run from its score distribution (offset GENERAL_THRESHOLD_OFFSET), reported through `say`; the fixed general default when there are too few detections. */
export async function autoThreshold(runDir: string, micrographs: readonly string[], say: (line: string) => void): Promise<number> {
  try {
    const m = await runThreshold(runDir, micrographs, GENERAL_THRESHOLD_OFFSET);
    say(`threshold ${m.threshold.toFixed(2)} from the score distribution (${m.rule}; particle mode ${m.particle.mean.toFixed(2)} ± ${m.particle.sd.toFixed(2)}, about ${(100 * m.particle.weight).toFixed(0)} % of detections); re-threshold with cryopick threshold\n`);
    return m.threshold;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(`${err.message}: using the fixed threshold ${GENERAL_FIXED_THRESHOLD}\n`);
    return GENERAL_FIXED_THRESHOLD;
  }
}

/**
 * The threshold `pick` applied to a run by default, for the commands that re-read it (merge, report,
 * view): from its scores when the run recorded the automatic rule (general models), else the fixed
 * default of its inference mode and family.
 */
export async function runDefaultThreshold(runDir: string, manifest: PickManifest, micrographs: readonly string[] = manifest.micrographs, say: (line: string) => void = () => {}): Promise<number> {
  return manifest.thresholdRule === 'auto' ? autoThreshold(runDir, micrographs, say) : fixedDefaultThreshold(manifest);
}

/** The fixed default of a run that did not record the automatic rule: its inference mode's and family's. */
export function fixedDefaultThreshold(manifest: PickManifest): number {
  return defaultThreshold(manifest.inference === 'dense' ? 'dense' : 'strided', (manifest.smoothingPx ?? 0) > 0, manifest.family ?? 'topaz');
}
