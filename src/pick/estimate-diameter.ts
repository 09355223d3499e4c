// Particle diameter from the micrographs alone, for scale-free (general) models: score a window of
// each micrograph at a ladder of candidate diameters and keep the one with the strongest particle
// response (mean of the top peak logits per canonical area), with a confidence from the margin.
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
  /** Response of the best candidate minus the best one at least two steps away (logits). */
  readonly margin: number;
  readonly confidence: 'high' | 'medium' | 'low';
}

export interface EstimateOptions {
  /** Smallest and largest diameter tried, original pixels (default: the canonical size up to a sixth of the smaller side). */
  readonly minPx?: number;
  readonly maxPx?: number;
  /** Ratio between successive candidates (default 2^(1/4)). */
  readonly step?: number;
  /** Largest window side scored per micrograph and candidate, working-grid pixels (default 384). */
  readonly windowPx?: number;
}

/** The central window × window part of an image (the whole image when smaller). */
function centralWindow(image: Image2D, window: number): Image2D {
  const w = Math.min(window, image.width);
  const h = Math.min(window, image.height);
  const x0 = (image.width - w) >> 1;
  const y0 = (image.height - h) >> 1;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) data.set(image.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + w), y * w);
  return { width: w, height: h, data };
}

/**
 * Mean of the top peak logits, one peak per 8 canonical particle areas (at least 5): a dataset's
 * particles give many strong peaks only at their own scale.
 */
async function response(image: Image2D, model: ScoreModel, diameterPx: number, canonical: number, window: number): Promise<number> {
  const pre = preprocessImageDetailed(image, canonicalPreprocess(model.preprocess, diameterPx, canonical)).image;
  const win = centralWindow(pre, window);
  const map = await model.scoreMap(win);
  const peaks = nonMaximumSuppression(map, win.width, win.height, { radius: Math.round(canonical / 2), threshold: -Infinity });
  const k = Math.max(5, Math.round((win.width * win.height) / (8 * canonical * canonical)));
  const top = peaks.slice(0, k);
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
  const minPx = o.minPx ?? canonical;
  const maxPx = o.maxPx ?? side / 6;
  const step = o.step ?? 2 ** 0.25;
  const window = o.windowPx ?? 384;
  const diameters: number[] = [];
  for (let d = minPx; d <= maxPx * 1.0001; d *= step) diameters.push(d);
  if (diameters.length < 2) throw new UsageError(`cannot estimate the particle diameter: the micrographs (${side} px) are too small to compare sizes from ${minPx.toFixed(0)} px; give --diameter-px`);
  const candidates: DiameterCandidate[] = [];
  for (const d of diameters) {
    let sum = 0;
    for (const image of images) sum += await response(image, model, d, canonical, window);
    candidates.push({ diameterPx: d, response: sum / images.length });
  }
  let best = 0;
  for (let i = 1; i < candidates.length; i++) if ((candidates[i] as DiameterCandidate).response > (candidates[best] as DiameterCandidate).response) best = i;
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
  const confidence = margin > 1 ? 'high' : margin > 0.3 ? 'medium' : 'low';
  return { diameterPx, candidates, margin, confidence };
}
