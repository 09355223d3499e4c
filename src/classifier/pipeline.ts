// `cryopick train-classifier`: config → ETL → tuning → final training from scratch with the best
// hyperparameters → held-out test → model, metrics, confusion matrices and report in one folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { createLrScheduler, type LrScheduleConfig } from '../train/lr-schedule.js';
import { createRunFolder } from '../tune/tracker.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { withRunLock } from '../io/run-lock.js';
import type { ParamSet } from '../tune/space.js';
import type { Augmentation } from './batches.js';
import type { ClassifierConfig } from './config-schema.js';
import { loadClassifierConfig } from './config-load.js';
import { openDataset } from './dataset-store.js';
import { prepareDataset } from './prepare.js';
import { evaluateSplit, fitClassifier } from './fit.js';
import { MODEL_SPECS, learningRate } from './models/index.js';
import { saveClassifierModel } from './model-file.js';
import { ClassifierNet } from './net.js';
import { classificationMetrics, writeClassifierReport, writeConfusion } from './test-report.js';
import { tuneClassifier } from './tuning.js';

export interface ClassifierPipelineOptions {
  /** Aborting stops tuning (the best parameters so far go to final training). */
  readonly tuneSignal?: AbortSignal;
  /** Aborting ends final training; the best epoch is still restored, tested and saved. */
  readonly finalSignal?: AbortSignal;
  readonly onStage?: (stage: 'etl' | 'tune' | 'final' | 'test') => void;
  readonly log?: (message: string) => void;
}

export interface ClassifierPipelineResult {
  readonly modelPath: string;
  readonly folder: string;
  readonly testAccuracy: number;
  readonly hyperparameters: ParamSet;
  readonly epochs: number;
  readonly tuningInterrupted: boolean;
  readonly trainingInterrupted: boolean;
}

/** The final-training schedule from lr_scheduler_params (plateau starts at the tuned rate). */
export function scheduleOf(c: ClassifierConfig, hp: ParamSet): LrScheduleConfig {
  const l = c.lr_scheduler_params;
  if (l.type === 'cyclic_lr') return { kind: 'cyclic', baseLr: l.cyclic_lr.base_lr, maxLr: l.cyclic_lr.max_lr, stepSizeFactor: l.cyclic_lr.step_size_factor, mode: l.cyclic_lr.mode, gamma: 0.99994 };
  if (l.type === 'sgdr') return { kind: 'sgdr', minLr: l.sgdr.min_lr, maxLr: l.sgdr.max_lr, lrDecay: l.sgdr.lr_decay, cycleLength: l.sgdr.cycle_length, multFactor: l.sgdr.mult_factor };
  const p = l.reduce_lr_on_plateau;
  return { kind: 'plateau', lr: learningRate(hp), factor: p.factor, patience: p.patience, minLr: p.min_lr, minDelta: 1e-4, cooldown: 0 };
}

export async function runClassifierPipeline(configPath: string, o: ClassifierPipelineOptions = {}): Promise<ClassifierPipelineResult> {
  const c = await loadClassifierConfig(configPath);
  return runClassifierPipelineWith(c, o);
}

/** Runs the pipeline of a parsed config, holding the run lock of output_dir throughout. */
export async function runClassifierPipelineWith(c: ClassifierConfig, o: ClassifierPipelineOptions = {}): Promise<ClassifierPipelineResult> {
  return withRunLock(c.shared_params.output_dir, 'train-classifier', () => runLocked(c, o));
}

async function runLocked(c: ClassifierConfig, o: ClassifierPipelineOptions): Promise<ClassifierPipelineResult> {
  const log = o.log ?? (() => undefined);
  const s = c.shared_params;
  o.onStage?.('etl');
  const etl = await prepareDataset(c, log);
  const { manifest, splits } = openDataset(etl.dir);
  if (manifest.classes.length !== s.num_classes) {
    throw new ConfigError([{ path: 'shared_params.num_classes', message: `is ${s.num_classes}, but dataset ${manifest.version} has ${manifest.classes.length} classes (${manifest.classes.join(', ')})` }], 'class count mismatch');
  }
  const spec = MODEL_SPECS[s.model_type];
  const augmentation: Augmentation = !s.use_augmentation ? 'none' : manifest.kind === 'signal' ? 'time-warp' : 'rotations';
  const side = manifest.itemShape[1] ?? 0;
  try {
    o.onStage?.('tune');
    const tuned = await tuneClassifier(c, spec, { manifest, train: splits.train, val: splits.val, augmentation }, log, o.tuneSignal);
    if (tuned.interrupted) log(tuned.best ? `tuning interrupted: final training uses the best of ${tuned.trials.length} finished trial(s)` : 'tuning interrupted before any trial finished: final training uses the space defaults');

    o.onStage?.('final');
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '_');
    const folder = join(s.output_dir, 'best_model', `${s.model_type}_${stamp}`);
    mkdirSync(folder, { recursive: true });
    const tracker = createRunFolder(join(s.output_dir, 'experiments'), `${c.train_params.comet_project_name}_${s.model_type}_${stamp}`);
    const net = new ClassifierNet(spec, tuned.params, manifest.itemShape, manifest.classes.length, c.tune_params.seed + 1, s.threads);
    log(`final training: ${JSON.stringify(tuned.params)}, up to ${c.train_params.max_epochs_final_model} epochs, patience ${c.train_params.patience}, ${c.lr_scheduler_params.type}`);
    const fit = await fitClassifier(net, splits.train, splits.val, {
      epochs: c.train_params.max_epochs_final_model, patience: c.train_params.patience, batchSize: s.batch_size, augmentation, side,
      seed: c.tune_params.seed + 2, scheduler: (spe) => createLrScheduler(scheduleOf(c, tuned.params), spe), ...(o.finalSignal ? { signal: o.finalSignal } : {}),
      onEpoch: (m) => {
        tracker.logMetrics(m.epoch, { loss: m.loss, accuracy: m.accuracy, val_loss: m.valLoss, val_accuracy: m.valAccuracy, learning_rate: m.lr });
        log(`epoch ${m.epoch}: loss ${m.loss.toFixed(4)} accuracy ${m.accuracy.toFixed(3)} val_loss ${m.valLoss.toFixed(4)} val_accuracy ${m.valAccuracy.toFixed(3)} lr ${m.lr.toPrecision(3)} (${m.seconds.toFixed(1)} s)`);
      },
    });
    if (fit.interrupted) log(`final training interrupted after ${fit.history.length} epoch(s); testing the best epoch (${fit.best?.epoch ?? 'none'})`);

    o.onStage?.('test');
    const K = manifest.classes.length;
    const testEval = await evaluateSplit(net, splits.test, s.batch_size);
    const trainEval = await evaluateSplit(net, splits.train, s.batch_size);
    const test = classificationMetrics(splits.test.labels, testEval.predictions, K);
    const train = classificationMetrics(splits.train.labels, trainEval.predictions, K);
    const path = (f: string): string => join(folder, f);
    const testSvg = await writeConfusion(path, 'test', test, manifest.classes);
    const trainSvg = await writeConfusion(path, 'train', train, manifest.classes);
    const modelPath = path('classifier.onnx');
    await saveClassifierModel(modelPath, net, {
      format: 'cryopick-classifier', version: 1, modelType: s.model_type, kind: manifest.kind, classes: manifest.classes, itemShape: manifest.itemShape,
      batch: Math.min(s.batch_size, 64), dtype: s.dtype, preprocessing: manifest.preprocessing, hyperparameters: tuned.params, datasetVersion: manifest.version,
    });
    const summary = {
      model: modelPath, model_type: s.model_type, dataset_version: manifest.version, classes: manifest.classes, hyperparameters: tuned.params,
      best_epoch: fit.best?.epoch, epochs_run: fit.history.length, stopped_early: fit.stoppedEarly, training_interrupted: fit.interrupted,
      tuning: { strategy: c.tune_params.tuning_strategy, trials: tuned.trials.length, resumed: tuned.resumed, interrupted: tuned.interrupted, best_score: tuned.best?.score },
      test: { accuracy: test.accuracy, loss: testEval.loss, per_class: test.perClass, confusion: test.confusion },
      train: { accuracy: train.accuracy, per_class: train.perClass, confusion: train.confusion },
    };
    await writeFileAtomic(path('summary.json'), `${JSON.stringify(summary, null, 1)}\n`, { overwrite: true });
    await writeFileAtomic(path('history.json'), `${JSON.stringify(fit.history, null, 1)}\n`, { overwrite: true });
    await writeClassifierReport({
      path: path('report.html'), classes: manifest.classes, history: fit.history, bestEpoch: fit.best?.epoch, test: { metrics: test, svg: testSvg }, train: { metrics: train, svg: trainSvg },
      parameters: { ...c, hyperparameters: tuned.params, dataset_version: manifest.version },
      notes: [`best epoch ${fit.best?.epoch ?? '–'} of ${fit.history.length}${fit.stoppedEarly ? ' (early stopping)' : ''}${fit.interrupted ? ' (interrupted)' : ''}; its weights were restored before testing`],
    });
    log(`test accuracy ${test.accuracy.toFixed(3)} on ${splits.test.count} held-out items; model ${modelPath}; report ${path('report.html')}`);
    return { modelPath, folder, testAccuracy: test.accuracy, hyperparameters: tuned.params, epochs: fit.history.length, tuningInterrupted: tuned.interrupted, trainingInterrupted: fit.interrupted };
  } finally {
    for (const sp of Object.values(splits)) sp.close();
  }
}
