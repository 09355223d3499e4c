// The model's picks for viewing a training run: its micrographs picked with its model.onnx into
// `<run>/view-picks/`, an ordinary pick run (resumed when interrupted, reused when complete).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { acquireRunLock } from '../io/run-lock.js';
import { loadScoreModel } from '../pick/score-model.js';
import { listMicrographs } from '../io/micrograph-inputs.js';
import { MANIFEST_NAME, pickMicrographs, type PickProgress } from '../pick/pick-run.js';
import { detectionsPath } from '../pick/detections.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE } from '../pick/threshold.js';
import type { TrainRunInputs } from './view-sources.js';

export const TRAIN_VIEW_PICKS = 'view-picks';

/**
 * Picks the training run's micrographs with its model unless `<run>/view-picks` already holds all
 * of them; returns that pick run's folder and the micrograph files.
 * @throws UsageError when the particle diameter is unknown (give --diameter-px).
 */
export async function pickTrainingRun(runDir: string, inputs: TrainRunInputs, o: { diameterPx?: number; onProgress?: (p: PickProgress) => void } = {}): Promise<{ picksRun: string; files: string[] }> {
  const files = listMicrographs(inputs.micrographs);
  const outDir = join(runDir, TRAIN_VIEW_PICKS);
  if (existsSync(join(outDir, MANIFEST_NAME)) && files.every((f) => existsSync(detectionsPath(outDir, f)))) return { picksRun: outDir, files };
  const lock = acquireRunLock(outDir, 'view (picking the training micrographs)');
  try {
    const model = await loadScoreModel(inputs.model);
    try {
      const diameterPx = o.diameterPx ?? inputs.diameterPx ?? model.particleDiameterPx;
      if (diameterPx === undefined) throw new UsageError('--diameter-px is needed: the training run records no particle diameter');
      await pickMicrographs(files, model, {
        outDir, inference: DEFAULT_INFERENCE, minDistancePx: 0.5 * diameterPx, floor: DEFAULT_FLOOR, diameterPx,
        modelId: inputs.model, resume: existsSync(join(outDir, MANIFEST_NAME)), concurrency: 1,
        ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
      });
    } finally {
      await model.release?.();
    }
  } finally {
    lock.release();
  }
  return { picksRun: outDir, files };
}
