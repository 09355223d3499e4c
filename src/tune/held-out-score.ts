// What cross-validation and tuning rank a training by on the held-out micrographs: pixel AUPRC of
// the score map for the topaz family (a per-pixel classifier), the particle AP of the boxes for the
// yolo family (its painted cell map has no per-pixel meaning to rank).
import type { EpochMetrics } from '../train/train-types.js';

export type HeldOutMetric = 'heldOutAuprc' | 'heldOutParticleAp';

/** The held-out metric of a family (`family` as in the training parameters; absent = topaz). */
export function heldOutMetric(family: unknown): HeldOutMetric {
  return family === 'yolo' ? 'heldOutParticleAp' : 'heldOutAuprc';
}

/** Its name in messages and plot axes. */
export function heldOutLabel(metric: HeldOutMetric): string {
  return metric === 'heldOutAuprc' ? 'held-out AUPRC' : 'held-out particle AP';
}

/** Its column name in tables (heldout_auprc, heldout_particle_ap). */
export function heldOutColumn(metric: HeldOutMetric): string {
  return metric === 'heldOutAuprc' ? 'heldout_auprc' : 'heldout_particle_ap';
}

/** The epoch's value of the metric, if measured. */
export function heldOutValue(e: EpochMetrics, metric: HeldOutMetric): number | undefined {
  return e[metric];
}
