// Held-out test evaluation of a trained picker: dense score maps of the test micrographs against
// their label masks (pixels within the labelling radius of a pick = particle, the rest =
// background), a confusion matrix at a logit threshold, precision/recall/F1 and AP (AUPRC).
import type { Image2D } from '../image/image.js';
import { preprocessImageDetailed } from '../image/preprocess.js';
import { averagePrecision } from '../eval/average-precision.js';
import { loadLabelledMicrographs, readPicks } from '../train/load-data.js';
import type { TrainParams } from '../train/params.js';
import { basename } from 'node:path';
import { evaluatePicks } from '../eval/evaluate.js';
import { readCoordinates } from '../io/coordinate-formats.js';
import { ORIGINAL_FRAME, fileFrame, type Frame, type MicrographPicks } from '../io/coords.js';
import { gridFrame } from '../image/downsample.js';
import { pairByName } from '../io/micrograph-names.js';
import { loadScoreModel } from '../pick/score-model.js';
import { detectionsOf } from '../pick/pick-image.js';

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
  /** Particle-level metrics (picks extracted and matched to the test picks at 0.25 × diameter),
   *  when the particle diameter is known. Recall counts only labelled particles: with partial
   *  labels precision is a lower bound. */
  readonly particles?: {
    readonly threshold: number; readonly references: number; readonly predictions: number;
    readonly truePositive: number; readonly falsePositive: number; readonly falseNegative: number;
    readonly precision: number; readonly recall: number; readonly f1: number; readonly ap: number | undefined;
  };
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

/**
 * Scores the test micrographs once with the saved model, preprocessed exactly as in training:
 * pixel metrics against the label masks, and (diameter known) the picks of the same score maps,
 * extracted as `pick` does and matched to the test picks.
 */
export async function evaluateTestSet(modelPath: string, micrographs: readonly string[], params: TrainParams, threshold: number, readImage?: (path: string) => Promise<Image2D>): Promise<TestEvaluation> {
  const model = await loadScoreModel(modelPath, params.threads > 0 ? { threads: params.threads } : {});
  try {
    const picks = await readPicks(params.picks, params.picksBinning);
    const plans = new Map<string, { frame: Frame<'grid'>; width: number; height: number }>();
    const mics = await loadLabelledMicrographs(micrographs, picks, {
      picksBinning: params.picksBinning, radius: params.radius, keepUnlabelled: true, ...(readImage === undefined ? {} : { readImage }),
      preprocess: async (image, path) => {
        const r = preprocessImageDetailed(image, model.preprocess);
        plans.set(basename(path), { frame: gridFrame(r.plan), width: image.width, height: image.height });
        return { image: r.image, frame: gridFrame(r.plan) };
      },
    });
    // pixel metrics over the labelled micrographs; picks from every test micrograph
    const { byMicrograph } = pairByName(picks, mics.map((m) => m.name));
    const labelled = mics.filter((m) => (byMicrograph.get(m.name)?.length ?? 0) > 0);
    const total = labelled.reduce((a, m) => a + m.mask.length, 0);
    const logits = new Float32Array(total);
    const labels = new Uint8Array(total);
    const preds: MicrographPicks[] = [];
    const d = params.particleDiameter;
    let off = 0;
    for (const m of mics) {
      const data = await model.scoreMap(m.image);
      if (labelled.includes(m)) {
        logits.set(data, off);
        labels.set(m.mask, off);
        off += m.mask.length;
      }
      const plan = plans.get(m.name);
      if (d === undefined || plan === undefined) continue;
      const scored = { grid: { data, width: m.image.width, height: m.image.height, stride: 1 }, ...plan };
      const det = detectionsOf(m.name, scored, { minDistancePx: d / 2, floor: Math.min(threshold, -12) });
      preds.push({ micrograph: det.micrograph, particles: det.particles, frame: ORIGINAL_FRAME, width: plan.width, height: plan.height });
    }
    const pixel = { ...confusionAtThreshold(logits, labels, threshold), micrographs: labelled.length };
    if (d === undefined) return pixel;
    return { ...pixel, particles: await particleMetrics(preds, micrographs, params, threshold, d) };
  } finally {
    await model.release?.();
  }
}

async function particleMetrics(preds: readonly MicrographPicks[], micrographs: readonly string[], params: TrainParams, threshold: number, diameterPx: number): Promise<NonNullable<TestEvaluation['particles']>> {
  const all = (await Promise.all(params.picks.map((f) => readCoordinates(f, { frame: fileFrame(params.picksBinning) })))).flat();
  const { byMicrograph } = pairByName(new Map(all.map((r) => [r.micrograph, r])), micrographs.map((m) => basename(m)));
  const refs = [...byMicrograph.values()];
  const rep = evaluatePicks(preds, refs, { diameterPx, radiusPx: 0.25 * diameterPx, threshold });
  const o = rep.overall;
  return { threshold, references: o.references, predictions: o.predictions, truePositive: o.tp, falsePositive: o.fp, falseNegative: o.fn,
    precision: o.precision, recall: o.recall, f1: o.f1, ap: o.ap };
}

/** A small TSV rendering of the confusion matrix. */
export function formatConfusion(c: ConfusionMatrix): string {
  return ['truth\\predicted\tparticle\tbackground', `particle\t${c.truePositive}\t${c.falseNegative}`, `background\t${c.falsePositive}\t${c.trueNegative}`].join('\n') + '\n';
}
