// A threshold from the score distribution of the micrographs being picked: the detections' peak
// scores form a background mode and a particle mode; a two-Gaussian fit (EM on the scores) puts
// the threshold where the two weighted densities cross, plus an offset calibrated on validation data.
import { UsageError } from '../errors.js';
import { GENERAL_FIXED_THRESHOLD } from './general-model.js';
import { readRunPicks } from './detections.js';

export interface ScoreModes {
  readonly threshold: number;
  readonly background: { readonly mean: number; readonly sd: number; readonly weight: number };
  readonly particle: { readonly mean: number; readonly sd: number; readonly weight: number };
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))] as number;
const density = (x: number, m: number, s: number): number => Math.exp(-0.5 * ((x - m) / s) ** 2) / s;

/**
 * Fits two Gaussians to `scores` (≥ 10 of them) and returns the crossing of their weighted
 * densities between the two means, shifted by `offset`.
 * @throws UsageError when there are too few detections to see two modes.
 */
export function thresholdFromScores(scores: readonly number[], offset = 0, iterations = 200): ScoreModes {
  if (scores.length < 10) throw new UsageError(`only ${scores.length} detection(s) above the floor: too few to set the threshold from the score distribution; give --threshold`);
  const x = [...scores].sort((a, b) => a - b);
  const spread = Math.max(1e-3, quantile(x, 0.9) - quantile(x, 0.1));
  let m = [quantile(x, 0.25), quantile(x, 0.9)];
  let s = [spread / 4, spread / 4];
  let w = [0.7, 0.3];
  const r = new Float64Array(x.length);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < x.length; i++) {
      const a = (w[0] as number) * density(x[i] as number, m[0] as number, s[0] as number);
      const b = (w[1] as number) * density(x[i] as number, m[1] as number, s[1] as number);
      r[i] = a + b > 0 ? b / (a + b) : (x[i] as number) > (m[1] as number) ? 1 : 0;
    }
    const nm: number[] = [];
    const ns: number[] = [];
    const nw: number[] = [];
    for (const k of [0, 1]) {
      let sw = 0;
      let sx = 0;
      for (let i = 0; i < x.length; i++) { const g = k ? (r[i] as number) : 1 - (r[i] as number); sw += g; sx += g * (x[i] as number); }
      const mean = sw > 0 ? sx / sw : (m[k] as number);
      let sv = 0;
      for (let i = 0; i < x.length; i++) { const g = k ? (r[i] as number) : 1 - (r[i] as number); sv += g * ((x[i] as number) - mean) ** 2; }
      nm.push(mean);
      ns.push(Math.max(spread / 50, Math.sqrt(sw > 0 ? sv / sw : (s[k] as number) ** 2)));
      nw.push(Math.max(1e-6, sw / x.length));
    }
    const done = Math.abs((nm[0] as number) - (m[0] as number)) + Math.abs((nm[1] as number) - (m[1] as number)) < 1e-6;
    [m, s, w] = [nm, ns, nw];
    if (done) break;
  }
  // background = the lower mode
  const [lo, hi] = (m[0] as number) <= (m[1] as number) ? [0, 1] : [1, 0];
  const bg = { mean: m[lo] as number, sd: s[lo] as number, weight: w[lo] as number };
  const pt = { mean: m[hi] as number, sd: s[hi] as number, weight: w[hi] as number };
  // crossing of the weighted densities between the means (bisection on their log ratio)
  const f = (t: number): number => Math.log(pt.weight * density(t, pt.mean, pt.sd)) - Math.log(bg.weight * density(t, bg.mean, bg.sd));
  let a = bg.mean;
  let b = pt.mean;
  let t = (a + b) / 2;
  if (f(a) < 0 && f(b) > 0) {
    for (let k = 0; k < 60; k++) { t = (a + b) / 2; if (f(t) > 0) b = t; else a = t; }
  }
  return { threshold: t + offset, background: bg, particle: pt };
}

/**
 * Offset (logits) added to the crossing of the modes for the general model: chosen on validation
 * micrographs only (EMPIAR-10028 and -10059 `valid`, the general recipe's simulated validation
 * set), as the offset with the best mean F1 there (BENCHMARKS.md, "General model").
 */
export const GENERAL_THRESHOLD_OFFSET = 1;

/** The run's threshold from the scores of every stored detection of `micrographs` (see thresholdFromScores). */
export async function runThreshold(runDir: string, micrographs: readonly string[], offset: number): Promise<ScoreModes> {
  const picks = await readRunPicks(runDir, micrographs);
  return thresholdFromScores(picks.flatMap((m) => m.particles.map((p) => p.score ?? Number.NEGATIVE_INFINITY)).filter(Number.isFinite), offset);
}

/** The threshold of a run from its score distribution (offset GENERAL_THRESHOLD_OFFSET), reported through `say`; the fixed general default when there are too few detections. */
export async function autoThreshold(runDir: string, micrographs: readonly string[], say: (line: string) => void): Promise<number> {
  try {
    const m = await runThreshold(runDir, micrographs, GENERAL_THRESHOLD_OFFSET);
    say(`threshold ${m.threshold.toFixed(2)} from the score distribution (particle mode ${m.particle.mean.toFixed(2)} ± ${m.particle.sd.toFixed(2)}, ${(100 * m.particle.weight).toFixed(0)} % of detections; background mode ${m.background.mean.toFixed(2)}); re-threshold with cryopick threshold\n`);
    return m.threshold;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(`${err.message}: using the fixed threshold ${GENERAL_FIXED_THRESHOLD}\n`);
    return GENERAL_FIXED_THRESHOLD;
  }
}
