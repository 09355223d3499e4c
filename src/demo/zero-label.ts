// The demo's zero-label step: the held-out micrographs picked by the general model shipped with
// cryopick (no training, the particle diameter only), evaluated like the trained picker.
import { join } from 'node:path';
import type { MicrographPicks } from '../io/coords.js';
import { evaluatePicks } from '../eval/evaluate.js';
import { loadScoreModel } from '../pick/score-model.js';
import { atParticleScale, DEFAULT_BORDER_FRACTION, generalModelPath } from '../pick/general-model.js';
import { pickMicrographs } from '../pick/pick-run.js';
import { readDetections, detectionsPath, selectByScore } from '../pick/detections.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE } from '../pick/threshold.js';
import { autoThreshold } from '../pick/auto-threshold.js';

export interface ZeroLabelResult {
  readonly ap: number;
  readonly bestF1: number;
  /** F1 at the threshold `pick` sets from the score distribution. */
  readonly f1: number;
  readonly threshold: number;
  readonly seconds: number;
}

/** Picks `paths` with the general model at `diameterPx` into `outDir` and scores them against `references`. */
export async function zeroLabelPick(paths: readonly string[], references: readonly MicrographPicks[], diameterPx: number, outDir: string,
  threads?: number): Promise<ZeroLabelResult> {
  const t0 = performance.now();
  const model = await loadScoreModel(generalModelPath(), threads === undefined ? {} : { threads });
  try {
    await pickMicrographs(paths, atParticleScale(model, diameterPx), {
      outDir, minDistancePx: 0.5 * diameterPx, floor: DEFAULT_FLOOR, inference: DEFAULT_INFERENCE, diameterPx,
      borderPx: DEFAULT_BORDER_FRACTION * diameterPx, modelId: 'general',
    });
  } finally {
    await model.release?.();
  }
  const threshold = await autoThreshold(outDir, paths, () => {});
  const predictions: MicrographPicks[] = [];
  for (const p of paths) predictions.push(selectByScore(await readDetections(detectionsPath(outDir, p)), -Infinity));
  const o = evaluatePicks(predictions, references, { diameterPx, threshold }).overall;
  return { ap: o.ap ?? 0, bestF1: o.bestF1?.f1 ?? 0, f1: o.f1, threshold, seconds: (performance.now() - t0) / 1000 };
}

export const ZERO_LABEL_FOLDER = join('pick-general');
