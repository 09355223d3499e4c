// End of training: export the chosen epoch as model.onnx with cryopick metadata, write the
// per-epoch table, the summary and the plots (every file atomically).
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import type { ModelMetadata, PickerNet } from './net.js';
import type { TrainParams } from './params.js';
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
  /** The run folder's id (train-run.json), carried by the tables, the summary and the model. */
  readonly runId?: string | undefined;
}

/**
 * The metadata stored in the exported model (engine format: `cryopick.input` and
 * `cryopick.training` JSON). `input.preprocess` is what `pick` replays before scoring.
 */
export function modelMetadata(f: Pick<FinishInput, 'params' | 'pre' | 'data' | 'bestEpoch' | 'epochs' | 'runId'>): ModelMetadata {
  const p = f.params;
  const best = f.epochs.find((e) => e.epoch === f.bestEpoch);
  return {
    input: {
      preprocess: f.pre, downsample: p.downsample, normalization: p.normalize, radius: p.radius,
      ...(p.particleDiameter !== undefined ? { particleDiameter: p.particleDiameter } : {}),
    },
    training: {
      method: f.data.loss.method, pi: f.data.prior.pi, ...(f.data.expectedParticles === undefined ? {} : { expectedParticles: f.data.expectedParticles }), unlabelledPrior: f.data.prior.unlabelledPrior, slack: f.data.loss.slack,
      bestEpoch: f.bestEpoch, bestMetrics: best ?? null, selectMetric: p.selectMetric,
      trainMicrographs: f.data.train.map((m) => m.name), testMicrographs: f.data.test.map((m) => m.name),
      params: p, ...(f.runId === undefined ? {} : { runId: f.runId }),
    },
  };
}

export async function finishTraining(f: FinishInput): Promise<void> {
  const out = f.options.outDir;
  f.options.onProgress?.({ phase: 'export', epoch: f.bestEpoch, epochs: f.params.epochs, step: 0, stepsPerEpoch: f.params.epochSize });
  await f.net.exportOnnx(f.modelPath, f.weights, modelMetadata(f));
  await writeFileAtomic(join(out, 'epochs.jsonl'), renderJsonLines(f.epochs, f.runId), { overwrite: true });
  const summary = {
    model: f.modelPath, ...(f.runId === undefined ? {} : { runId: f.runId }), bestEpoch: f.bestEpoch, selectMetric: f.params.selectMetric, interrupted: f.interrupted,
    method: f.data.loss.method, pi: f.data.prior.pi, pObserved: f.data.prior.pObserved, unlabelledPrior: f.data.prior.unlabelledPrior,
    trainMicrographs: f.data.train.map((m) => m.name), testMicrographs: f.data.test.map((m) => m.name),
    epochs: f.epochs, diagnostics: f.diagnostics, seconds: (Date.now() - f.startMs) / 1000, params: f.params,
  };
  await writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`, { overwrite: true });
  if (f.options.plots !== false && f.epochs.length > 0) await writeTrainingPlots(out, f.epochs, f.bestEpoch);
}
