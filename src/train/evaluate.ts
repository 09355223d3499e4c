// Per-epoch evaluation on whole micrographs: the network's dense score map against the label
// masks, giving Topaz's test metrics (loss, precision, adjusted precision, TPR, FPR, AUPRC), and
// the particle-level AP of the picks extracted from the same maps when the diameter is known.
import type { LabelledMicrograph } from './dataset.js';
import { concatF32, pixelMetrics, type PixelMetrics } from './metrics.js';
import type { PickerNet } from './net.js';
import { extractParticles } from '../pick/extract.js';
import { evaluatePicks } from '../eval/evaluate.js';
import { ORIGINAL_FRAME, toFrame, type MicrographPicks } from '../io/coords.js';

/**
 * Metrics over all pixels of `mics` (labels = disks of the labelling radius around picks). With
 * `diameterPx` (in original pixels), also `particleAp`: every peak of the score map after NMS at
 * 0.5 × diameter, ranked by score and matched to the picks within 0.25 × diameter (in original pixels).
 */
export async function evaluateMicrographs(net: PickerNet, mics: readonly LabelledMicrograph[], pi: number, pObserved: number,
  diameterPx?: number): Promise<(PixelMetrics & { readonly particleAp?: number }) | undefined> {
  if (mics.length === 0) return undefined;
  const scores: Float32Array[] = [];
  const labels: Float32Array[] = [];
  const preds: MicrographPicks[] = [];
  const refs: MicrographPicks[] = [];
  for (const m of mics) {
    const score = await net.scoreMap(m.image);
    scores.push(score);
    labels.push(Float32Array.from(m.mask));
    if (diameterPx === undefined) continue;
    const { width, height } = m.image;
    const particles = net.detect
      ? toFrame({ micrograph: m.name, particles: await net.detect(m.image), frame: m.frame }, ORIGINAL_FRAME).particles
      : extractParticles({ data: score, width, height, stride: 1 }, {
        minDistancePx: 0.5 * diameterPx, threshold: Number.NEGATIVE_INFINITY, frame: m.frame, originalWidth: m.originalWidth, originalHeight: m.originalHeight,
    });
    preds.push({ micrograph: m.name, particles, frame: ORIGINAL_FRAME, width: m.originalWidth, height: m.originalHeight });
    refs.push({ micrograph: m.name, particles: m.picks, frame: m.frame, width, height });
  }
  const metrics = pixelMetrics(concatF32(scores), concatF32(labels), pi, pObserved);
  if (diameterPx === undefined) return metrics;
  const report = evaluatePicks(preds, refs, { diameterPx, radiusPx: 0.25 * diameterPx });
  return { ...metrics, particleAp: report.overall.ap ?? 0 };
}

/** Fraction of labelled pixels: the AUPRC of a random scorer. */
export function chanceLevel(mics: readonly LabelledMicrograph[]): number {
  let pos = 0;
  let all = 0;
  for (const m of mics) {
    all += m.mask.length;
    for (let i = 0; i < m.mask.length; i++) pos += m.mask[i] as number;
  }
  return all > 0 ? pos / all : 0;
}
