// Helpers of the particle-crop benchmark: the picker's detections as `cryopick pick` finds them by
// default, their labels by matching to the truth, and AP / best F1 / F1 at the default threshold.
import { basename } from 'node:path';
import { readMicrograph } from '../src/io/micrograph.js';
import { ORIGINAL_FRAME, type MicrographPicks } from '../src/io/coords.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { detectionsOf, scoreImage, smoothScored } from '../src/pick/pick-image.js';
import type { MicrographDetections } from '../src/pick/detections.js';
import { DEFAULT_SMOOTHING } from '../src/pick/smooth.js';
import { defaultThreshold } from '../src/pick/threshold.js';
import { evaluatePicks } from '../src/eval/evaluate.js';

/** pick's default threshold for this picker (dense, smoothed). */
export const PICK_THRESHOLD = defaultThreshold('dense', DEFAULT_SMOOTHING > 0);

export interface Quality { ap: number; bestF1: number; f1AtDefault: number; precisionAtDefault: number; recallAtDefault: number; detections: number }

/** Every detection above −12 after NMS at 0.5 × diameter, as `cryopick pick` stores them by default. */
export async function detect(modelPath: string, paths: readonly string[], d: number): Promise<MicrographDetections[]> {
  const model = await loadScoreModel(modelPath, { threads: 1 });
  const out: MicrographDetections[] = [];
  try {
    for (const path of paths) {
      const scored = smoothScored(await scoreImage(await readMicrograph(path), model, { inference: 'dense', testTimeAugmentation: 'none' }), DEFAULT_SMOOTHING * d);
      out.push(detectionsOf(basename(path), scored, { minDistancePx: 0.5 * d, floor: -12 }));
    }
  } finally {
    await model.release?.();
  }
  return out;
}

/** AP and best F1 of all detections, and F1 (precision, recall) of those at pick's default threshold. */
export function quality(dets: readonly MicrographDetections[], truth: readonly MicrographPicks[], d: number): Quality {
  const preds = dets.map((x) => ({ micrograph: x.micrograph, particles: x.particles, frame: ORIGINAL_FRAME, width: x.width, height: x.height }));
  const opts = { diameterPx: d, radiusPx: 0.25 * d };
  const all = evaluatePicks(preds, truth, opts).overall;
  const kept = evaluatePicks(preds.map((m) => ({ ...m, particles: m.particles.filter((p) => (p.score ?? -Infinity) >= PICK_THRESHOLD) })), truth, opts).overall;
  return { ap: all.ap ?? 0, bestF1: all.bestF1?.f1 ?? 0, f1AtDefault: kept.f1, precisionAtDefault: kept.precision, recallAtDefault: kept.recall, detections: dets.reduce((a, x) => a + x.particles.length, 0) };
}

/**
 * True for each detection within 0.25 × diameter (the evaluator's matching radius) of a truth
 * particle and nearest to it among the detections (others, duplicates included, are false positives).
 */
export function matchedToTruth(det: MicrographDetections, truth: readonly { x: number; y: number }[], d: number): boolean[] {
  const r = 0.25 * d;
  const out = det.particles.map(() => false);
  for (const t of truth) {
    let best = -1, bestDist = r;
    det.particles.forEach((p, i) => {
      const dist = Math.hypot(p.x - t.x, p.y - t.y);
      if (dist <= bestDist && !out[i]) { best = i; bestDist = dist; }
    });
    if (best >= 0) out[best] = true;
  }
  return out;
}
