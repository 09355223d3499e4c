// Held-out test evaluation of a trained picker: dense score maps of the test micrographs against
// their label masks (pixels within the labelling radius of a pick = particle, the rest =
// background), a confusion matrix at a logit threshold, precision/recall/F1 and AP (AUPRC).
import { preprocessImageDetailed } from '../image/preprocess.js';
import { loadPickerModel } from '../models/load-picker.js';
import { averagePrecision } from '../train/metrics.js';
import { loadLabelledMicrographs, readPicks } from '../train/load-data.js';
import { trainPreprocessParams } from '../train/preprocess-config.js';
import type { TrainParams } from '../train/params.js';

/** Rows = truth (particle, background), columns = prediction at the threshold. */
export interface ConfusionMatrix {
  readonly truePositive: number;
  readonly falseNegative: number;
  readonly falsePositive: number;
  readonly trueNegative: number;
}

export interface TestEvaluation {
  readonly threshold: number;
  readonly micrographs: number;
  readonly pixels: number;
  readonly confusion: ConfusionMatrix;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Pixel-level average precision (AUPRC), threshold-free. */
  readonly ap: number;
}

/** Confusion matrix and metrics from logits and 0/1 labels (score >= threshold = particle). */
export function confusionAtThreshold(logits: Float32Array, labels: Uint8Array, threshold: number): Omit<TestEvaluation, 'micrographs'> {
  let tp = 0, fn = 0, fp = 0, tn = 0;
  for (let i = 0; i < logits.length; i++) {
    const predicted = (logits[i] as number) >= threshold;
    if (labels[i]) { if (predicted) tp++; else fn++; } else if (predicted) fp++; else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, pixels: logits.length, confusion: { truePositive: tp, falseNegative: fn, falsePositive: fp, trueNegative: tn }, precision, recall, f1, ap: averagePrecision(logits, labels) };
}

/** Scores the test micrographs with the saved model, preprocessed exactly as in training. */
export async function evaluateTestSet(modelPath: string, micrographs: readonly string[], params: TrainParams, threshold: number): Promise<TestEvaluation> {
  const pre = trainPreprocessParams(params);
  const picks = await readPicks(params.picks, params.picksBinning);
  const mics = await loadLabelledMicrographs(micrographs, picks, {
    picksBinning: params.picksBinning, radius: params.radius,
    preprocess: async (image) => { const r = preprocessImageDetailed(image, pre); return { image: r.image, factorX: r.plan.factorX, factorY: r.plan.factorY }; },
  });
  const model = await loadPickerModel(modelPath, params.threads > 0 ? { threads: params.threads } : {});
  try {
    const total = mics.reduce((a, m) => a + m.mask.length, 0);
    const logits = new Float32Array(total);
    const labels = new Uint8Array(total);
    let off = 0;
    for (const m of mics) {
      logits.set(await model.scoreMap(m.image), off);
      labels.set(m.mask, off);
      off += m.mask.length;
    }
    return { ...confusionAtThreshold(logits, labels, threshold), micrographs: mics.length };
  } finally {
    await model.release();
  }
}

/** A small TSV rendering of the confusion matrix. */
export function formatConfusion(c: ConfusionMatrix): string {
  return ['truth\\predicted\tparticle\tbackground', `particle\t${c.truePositive}\t${c.falseNegative}`, `background\t${c.falsePositive}\t${c.trueNegative}`].join('\n') + '\n';
}
