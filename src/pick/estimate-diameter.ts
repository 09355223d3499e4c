// Particle diameter from the micrographs alone, for scale-free (general) models: score each
// micrograph at a ladder of candidate diameters and keep the one with the strongest particle
// response (mean of its 20 strongest peak logits), with a confidence from the margin.
import type { Image2D } from '../image/image.js';
import { preprocessImageDetailed } from '../image/preprocess.js';
import { UsageError } from '../errors.js';
import type { ScoreModel } from './score-model.js';
import { nonMaximumSuppression } from './nms.js';
import { canonicalPreprocess } from './canonical-scale.js';

export interface DiameterCandidate {
  readonly diameterPx: number;
  /** Mean of the strongest peak logits in the scored windows. */
  readonly response: number;
}

export interface DiameterEstimate {
  readonly diameterPx: number;
  readonly candidates: readonly DiameterCandidate[];
  /** Response of the chosen candidate minus the best one at least two steps (41 %) away, logits: > 0.5 high, > 0.15 medium confidence (low at an end of the ladder). */
  readonly margin: number;
  readonly confidence: 'high' | 'medium' | 'low';
}

export interface EstimateOptions {
  /** Smallest and largest diameter tried, original pixels (default: the canonical size or 1/56 of the smaller side, whichever is larger, up to a sixth of it). */
  readonly minPx?: number;
  readonly maxPx?: number;
  /** Ratio between successive candidates (default 2^(1/4)). */
  readonly step?: number;
  /** Peaks averaged per micrograph (default 20). */
  readonly peaks?: number;
}

/**
 * Mean of the `k` strongest peak logits of the whole micrograph at one candidate size: the same
 * particles are compared at every size, and they score highest at their own.
 */
async function response(image: Image2D, model: ScoreModel, diameterPx: number, canonical: number, k: number): Promise<number> {
  const pre = preprocessImageDetailed(image, canonicalPreprocess(model.preprocess, diameterPx, canonical)).image;
  const map = await model.scoreMap(pre);
  const top = nonMaximumSuppression(map, pre.width, pre.height, { radius: Math.round(canonical / 2), threshold: -Infinity, maxPeaks: k });
  return top.reduce((a, p) => a + p.score, 0) / Math.max(1, top.length);
}

/**
 * Estimates the particle diameter (original pixels) of `images` with a scale-free model.
 * @throws UsageError when the model is not scale-free or the micrographs are too small to try two sizes.
 */
export async function estimateDiameter(images: readonly Image2D[], model: ScoreModel, o: EstimateOptions = {}): Promise<DiameterEstimate> {
  const canonical = model.canonicalDiameterGridPx;
  if (canonical === undefined) throw new UsageError('the particle diameter can only be estimated with a scale-free model such as the general model; give --diameter-px');
  const side = Math.min(...images.map((m) => Math.min(m.width, m.height)));
  const minPx = o.minPx ?? Math.max(canonical, side / 56);
  const maxPx = o.maxPx ?? side / 6;
  const step = o.step ?? 2 ** 0.25;
  const k = o.peaks ?? 20;
  const diameters: number[] = [];
  for (let d = minPx; d <= maxPx * 1.0001; d *= step) diameters.push(d);
  if (diameters.length < 2) throw new UsageError(`cannot estimate the particle diameter: the micrographs (${side} px) are too small to compare sizes from ${minPx.toFixed(0)} px; give --diameter-px`);
  const candidates: DiameterCandidate[] = [];
  for (const d of diameters) {
    let sum = 0;
    for (const image of images) sum += await response(image, model, d, canonical, k);
    candidates.push({ diameterPx: d, response: sum / images.length });
  }
  // the strongest interior local maximum: the smallest size (no Fourier crop, so no low-pass) and
  // the largest can win on noise alone, so an end of the ladder is kept only without an interior peak
  const r = (i: number): number => (candidates[i] as DiameterCandidate).response;
  let best = -1;
  for (let i = 1; i + 1 < candidates.length; i++) if (r(i) > r(i - 1) && r(i) >= r(i + 1) && (best < 0 || r(i) > r(best))) best = i;
  const interior = best >= 0;
  if (!interior) { best = 0; for (let i = 1; i < candidates.length; i++) if (r(i) > r(best)) best = i; }
  const top = candidates[best] as DiameterCandidate;
  const far = candidates.filter((_, i) => Math.abs(i - best) >= 2).map((c) => c.response);
  const margin = far.length ? top.response - Math.max(...far) : 0;
  // parabolic refinement in log-diameter between the neighbours
  let diameterPx = top.diameterPx;
  const a = candidates[best - 1];
  const c = candidates[best + 1];
  if (a && c) {
    const curvature = a.response - 2 * top.response + c.response;
    if (curvature < 0) diameterPx *= step ** Math.max(-0.5, Math.min(0.5, (a.response - c.response) / (2 * curvature)));
  }
  const confidence = !interior ? 'low' : margin > 0.5 ? 'high' : margin > 0.15 ? 'medium' : 'low';
  return { diameterPx, candidates, margin, confidence };
}
