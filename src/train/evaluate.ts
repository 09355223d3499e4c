// Per-epoch evaluation on whole micrographs: the network's dense score map against the label
// masks, giving Topaz's test metrics (loss, precision, adjusted precision, TPR, FPR, AUPRC).
import type { LabelledMicrograph } from './dataset.js';
import { concatF32, pixelMetrics, type PixelMetrics } from './metrics.js';
import type { PickerNet } from './net.js';

/** Metrics over all pixels of `mics` (labels = disks of the labelling radius around picks). */
export async function evaluateMicrographs(net: PickerNet, mics: readonly LabelledMicrograph[], pi: number, pObserved: number,
  signal?: AbortSignal): Promise<PixelMetrics | undefined> {
  if (mics.length === 0) return undefined;
  const scores: Float32Array[] = [];
  const labels: Float32Array[] = [];
  for (const m of mics) {
    if (signal?.aborted && scores.length > 0) break;
    scores.push(await net.scoreMap(m.image));
    labels.push(Float32Array.from(m.mask));
  }
  return pixelMetrics(concatF32(scores), concatF32(labels), pi, pObserved);
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
