// End of training: export the chosen epoch as model.onnx with cryopick metadata, write the
// per-epoch table, the summary and the plots (every file atomically).
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import type { PickerNet } from './net.js';
import type { TrainParams } from './params.js';
import { RECEPTIVE_FIELD } from './params.js';
import { writeTrainingPlots } from './plots.js';
import { renderJsonLines } from './results.js';
import type { TrainData } from './train-setup.js';
import type { EpochMetrics, TrainOptions } from './train-types.js';

export interface FinishInput {
  readonly net: PickerNet;
  readonly params: TrainParams;
  readonly pre: PreprocessParams;
  readonly data: TrainData;
  readonly epochs: readonly EpochMetrics[];
  readonly bestEpoch: number;
  readonly weights: ReadonlyMap<string, Float32Array>;
  readonly modelPath: string;
  readonly options: TrainOptions;
  readonly diagnostics: readonly string[];
  readonly interrupted: boolean;
  readonly startMs: number;
}

/** The metadata stored in the exported model (strings; structured values as JSON). */
export function modelMetadata(f: Pick<FinishInput, 'params' | 'pre' | 'data' | 'bestEpoch' | 'epochs'>): Record<string, string> {
  const p = f.params;
  const best = f.epochs.find((e) => e.epoch === f.bestEpoch);
  return {
    'cryopick.kind': 'picker',
    'cryopick.architecture': JSON.stringify({ model: p.model, units: p.units, dropout: p.dropout, batchNorm: p.batchNorm, pooling: p.pooling,
      unitScaling: p.unitScaling, receptiveField: RECEPTIVE_FIELD[p.model] }),
    'cryopick.preprocess': JSON.stringify(f.pre),
    'cryopick.downsample': String(p.downsample),
    'cryopick.radius': String(p.radius),
    ...(p.particleDiameter !== undefined ? { 'cryopick.particleDiameter': String(p.particleDiameter) } : {}),
    'cryopick.training': JSON.stringify({
      method: f.data.loss.method, pi: f.data.prior.pi, unlabelledPrior: f.data.prior.unlabelledPrior, slack: f.data.loss.slack,
      expectedParticles: p.expectedParticles, learningRate: p.learningRate, finalLearningRate: p.finalLearningRate, epochs: p.epochs,
      epochSize: p.epochSize, mode: p.mode, minibatchSize: p.minibatchSize, cropSize: p.cropSize, cropsPerStep: p.cropsPerStep,
      classWeight: p.classWeight, l2: p.l2, autoencoderWeight: p.autoencoderWeight, seed: p.seed, bestEpoch: f.bestEpoch,
      bestMetrics: best ?? null, trainMicrographs: f.data.train.map((m) => m.name), testMicrographs: f.data.test.map((m) => m.name),
    }),
    'cryopick.params': JSON.stringify(p),
  };
}

export async function finishTraining(f: FinishInput): Promise<void> {
  const out = f.options.outDir;
  f.options.onProgress?.({ phase: 'export', epoch: f.bestEpoch, epochs: f.params.epochs, step: 0, stepsPerEpoch: f.params.epochSize });
  await f.net.exportOnnx(f.modelPath, f.weights, modelMetadata(f));
  await writeFileAtomic(join(out, 'epochs.jsonl'), renderJsonLines(f.epochs), { overwrite: true });
  const summary = {
    model: f.modelPath, bestEpoch: f.bestEpoch, selectMetric: f.params.selectMetric, interrupted: f.interrupted,
    method: f.data.loss.method, pi: f.data.prior.pi, pObserved: f.data.prior.pObserved, unlabelledPrior: f.data.prior.unlabelledPrior,
    trainMicrographs: f.data.train.map((m) => m.name), testMicrographs: f.data.test.map((m) => m.name),
    epochs: f.epochs, diagnostics: f.diagnostics, seconds: (Date.now() - f.startMs) / 1000, params: f.params,
  };
  await writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`, { overwrite: true });
  if (f.options.plots !== false && f.epochs.length > 0) await writeTrainingPlots(out, f.epochs, f.bestEpoch);
}
