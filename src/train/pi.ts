// The class prior π of the PU objectives, from the expected number of particles per micrograph,
// counting the labelled disk with its true 2-D area (Topaz 0.3.x counts a 3-D ball: ~7× too many).
//
//   A(r)   = #{(dx,dy) ∈ Z² : dx² + dy² ≤ r²}            (r = 3 → 29 pixels, not Topaz's 203)
//   π      = A(r) · n · M / Σ_m W_m·H_m                    (n expected particles per micrograph,
//                                                           M training micrographs, W×H downsampled)
//   p_obs  = (labelled positive pixels) / Σ_m W_m·H_m       (counted from the actual label masks)
//   p_neg  = (known negative pixels) / Σ_m W_m·H_m          (negative picks, empty micrographs)
//   GE prior among the unlabelled pixels = (π − p_obs) / (1 − p_obs − p_neg)
// π > 1 (more particle area than micrograph) is refused naming the parameters and what would fit.
// If n is below the mean number of labelled picks per micrograph (π ≤ p_obs), the picks are
// (nearly) complete: training switches to PN with π = p_obs and says so.
import { ConfigError } from '../errors.js';

/** Number of integer pixels within Euclidean distance `radiusPx` of a pixel centre (2-D disk). */
export function diskArea(radiusPx: number): number {
  const r = Math.floor(radiusPx);
  let n = 0;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= radiusPx * radiusPx) n++;
  }
  return n;
}

/** π: expected fraction of positive pixels in the training micrographs. */
export function computePi(expectedPerMicrograph: number, radiusPx: number, pixelsPerMicrograph: readonly number[]): number {
  if (pixelsPerMicrograph.length === 0) throw new RangeError('computePi needs at least one micrograph');
  const total = pixelsPerMicrograph.reduce((a, b) => a + b, 0);
  return (diskArea(radiusPx) * expectedPerMicrograph * pixelsPerMicrograph.length) / total;
}

export interface PriorDecision {
  /** The method actually trained (a GE method or PU may become PN). */
  readonly method: 'GE-binomial' | 'GE-KL' | 'PN' | 'PU';
  /** π from the expected particle count (or p_obs after a PN switch). */
  readonly pi: number;
  /** Fraction of labelled positive pixels. */
  readonly pObserved: number;
  /** Prior handed to the GE penalties: expected positive fraction among unlabelled pixels. */
  readonly unlabelledPrior: number;
  /** A notice for the user when the method was switched, else undefined. */
  readonly notice?: string;
}

/** Decides π, the unlabelled prior and whether to switch to PN (see the header comment). */
export function decidePrior(
  method: PriorDecision['method'], expectedPerMicrograph: number, radiusPx: number,
  pixelsPerMicrograph: readonly number[], labelledPixels: number, labelledPicks: number, negativePixels = 0,
): PriorDecision {
  const total = pixelsPerMicrograph.reduce((a, b) => a + b, 0);
  const pi = computePi(expectedPerMicrograph, radiusPx, pixelsPerMicrograph);
  const pObserved = labelledPixels / total;
  const meanPicks = labelledPicks / pixelsPerMicrograph.length;
  if (pi > 1) {
    const mean = total / pixelsPerMicrograph.length;
    const side = Math.round(Math.sqrt(mean));
    const most = Math.floor(mean / diskArea(radiusPx));
    throw new ConfigError([{ path: 'expectedParticles', message:
      `the class prior π = ${pi.toFixed(2)} > 1 is impossible: ${expectedPerMicrograph} particles per micrograph (--expected-particles) as disks of radius ${radiusPx} px (--label-radius-grid-px) ` +
      `cover more than the micrographs' ${mean >= 1e4 ? `${(mean / 1e6).toFixed(2)} M` : mean.toFixed(0)} pixels each (about ${side}² after --downsample). ` +
      `With these sizes --expected-particles must be below ${most} (a realistic π is under 0.1: at most ${Math.max(1, Math.floor(most / 10))}); or lower --label-radius-grid-px or --downsample, or use larger micrographs` }],
    'cannot train');
  }
  if (method !== 'PN' && (expectedPerMicrograph < meanPicks || pi <= pObserved)) {
    return {
      method: 'PN', pi: pObserved, pObserved, unlabelledPrior: 0,
      notice: `expected particles per micrograph (${expectedPerMicrograph}) is below the mean number of labelled picks ` +
        `(${meanPicks.toFixed(1)}): the picks look complete, so training uses PN (positive-negative) instead of ${method}` +
        ` with π = ${pObserved.toExponential(3)}. Raise --expected-particles if the picks are sparse.`,
    };
  }
  const unlabelled = 1 - pObserved - negativePixels / total;
  const unlabelledPrior = unlabelled > 0 ? Math.min(1, Math.max(0, (pi - pObserved) / unlabelled)) : 0;
  return { method, pi, pObserved, unlabelledPrior };
}
