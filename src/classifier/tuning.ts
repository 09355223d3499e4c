// Hyperparameter search for a classifier with the existing strategies (random search, GP-based
// Bayesian optimisation, Hyperband with warm-started promotions): each trial trains from its
// parameters with early stopping (tune_params.patience) and scores its best validation accuracy.
// The state is saved after every trial, so overwrite: false resumes; an abort stops the search.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../engine/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { createLrScheduler } from '../train/lr-schedule.js';
import { bayesianOptimization } from '../tune/bayesian.js';
import { hyperband } from '../tune/hyperband.js';
import { randomSearch } from '../tune/random-search.js';
import { runSearch } from '../tune/search.js';
import type { ParamSet, SearchSpace } from '../tune/space.js';
import type { Strategy, TrialRecord } from '../tune/trial.js';
import { createRunFolder } from '../tune/tracker.js';
import type { Augmentation } from './batches.js';
import type { ClassifierConfig } from './config-schema.js';
import type { DatasetManifest, DatasetSplit } from './dataset-store.js';
import { fitClassifier } from './fit.js';
import { defaultParams, learningRate, type ModelSpec } from './models/index.js';
import { ClassifierNet } from './net.js';

export interface TuneOutcome {
  readonly params: ParamSet;
  readonly trials: readonly TrialRecord[];
  readonly best: TrialRecord | undefined;
  readonly interrupted: boolean;
  readonly resumed: number;
  readonly folder: string | undefined;
}

export interface TuneData {
  readonly manifest: DatasetManifest;
  readonly train: DatasetSplit;
  readonly val: DatasetSplit;
  readonly augmentation: Augmentation;
}

function strategyOf(c: ClassifierConfig, space: SearchSpace): Strategy {
  const t = c.tune_params;
  switch (t.tuning_strategy) {
    case 'random_search': return randomSearch(space, t.max_trials, t.seed);
    case 'bayesian_optimization': return bayesianOptimization(space, { maxTrials: t.max_trials, seed: t.seed, acquisition: 'ucb', beta: 2.6 });
    default: return hyperband(space, { maxEpochs: t.max_epochs_hpt, factor: t.factor, seed: t.seed, warmStart: true });
  }
}

/** Runs the configured search (or returns the space defaults for tuning_strategy "none"). */
export async function tuneClassifier(c: ClassifierConfig, spec: ModelSpec, data: TuneData, log: (m: string) => void, signal?: AbortSignal): Promise<TuneOutcome> {
  const space = spec.space(data.manifest.itemShape);
  const t = c.tune_params;
  if (t.tuning_strategy === 'none') return { params: defaultParams(space, spec.defaults), trials: [], best: undefined, interrupted: false, resumed: 0, folder: undefined };
  const name = `${t.comet_project_name}_${spec.type}`;
  const dir = join(c.shared_params.output_dir, 'tuner_models', name);
  if (t.overwrite) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const strategy = strategyOf(c, space);
  log(`tuning ${spec.type}: ${strategy.describe()}`);
  const tracker = createRunFolder(join(c.shared_params.output_dir, 'experiments'), name, { overwrite: true });
  const K = data.manifest.classes.length;
  const result = await runSearch(async (trial, ctx) => {
    const net = new ClassifierNet(spec, trial.params, data.manifest.itemShape, K, t.seed * 1000 + trial.index, c.shared_params.threads);
    let initialEpoch = 0;
    if (trial.warmStart && existsSync(trial.warmStart.artifact)) {
      net.initialize();
      net.store.load(decodeCheckpoint(new Uint8Array(readFileSync(trial.warmStart.artifact)), trial.warmStart.artifact).params);
      initialEpoch = trial.warmStart.epochsDone;
    }
    const r = await fitClassifier(net, data.train, data.val, {
      epochs: initialEpoch + (trial.epochs ?? t.max_epochs_hpt), initialEpoch, patience: t.patience, batchSize: c.shared_params.batch_size,
      augmentation: data.augmentation, side: data.manifest.itemShape[1] ?? 0, seed: t.seed + trial.index, signal: ctx.signal,
      scheduler: (spe) => createLrScheduler({ kind: 'plateau', lr: learningRate(trial.params), factor: 0.5, patience: 5, minLr: 1e-6, minDelta: 1e-4, cooldown: 0 }, spe),
      onEpoch: (m) => tracker.logMetrics(trial.index * 1000 + m.epoch, { loss: m.loss, accuracy: m.accuracy, val_loss: m.valLoss, val_accuracy: m.valAccuracy }, { trial: trial.index }),
    });
    const score = Math.max(...r.history.map((h) => h.valAccuracy));
    const artifact = join(dir, `trial_${trial.index}.ckpt`);
    await writeFileAtomic(artifact, encodeCheckpoint(net.store, undefined, { meta: { params: trial.params } }), { overwrite: true });
    log(`trial ${trial.index}: best validation accuracy ${score.toFixed(3)} after ${r.history.length} epoch(s) ${JSON.stringify(trial.params)}`);
    return { score, artifact, interrupted: r.interrupted, metrics: { valLoss: r.best?.valLoss ?? Number.NaN, epochs: r.history.length } };
  }, {
    strategy, direction: 'max', stateFile: join(dir, 'state.json'), ...(signal ? { signal } : {}),
    identity: { space, strategy: t.tuning_strategy, model: spec.type, dataset: data.manifest.version, max_epochs_hpt: t.max_epochs_hpt, factor: t.factor, max_trials: t.max_trials, seed: t.seed, patience: t.patience, batch: c.shared_params.batch_size, augmentation: data.augmentation },
    onTrialStart: (req) => log(`trial ${req.index}${req.epochs ? ` (${req.epochs} epoch(s)${req.warmStart ? `, continuing trial ${req.warmStart.trial}` : ''})` : ''}`),
  });
  if (result.resumed > 0) log(`resumed ${result.resumed} finished trial(s) from ${join(dir, 'state.json')}`);
  return { params: result.best?.params ?? defaultParams(space, spec.defaults), trials: result.trials, best: result.best, interrupted: result.interrupted, resumed: result.resumed, folder: dir };
}
