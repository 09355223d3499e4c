// `cryopick train --config config.json`: data/ETL (labelled micrographs, test split, content-hash
// manifest) → optional tuning → final training (early stopping, LR scheduler) → test evaluation,
// all recorded offline in a run folder (config, metrics.jsonl, TensorBoard events, plots, model).
import type { Image2D } from '../image/image.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { micrographKey } from '../io/coords.js';
import { createLrScheduler, type LrScheduleConfig } from '../train/lr-schedule.js';
import { parseTrainParams, type TrainParams, type TrainParamsInput } from '../train/params.js';
import { splitMicrographs } from '../train/split.js';
import type { TrainResult } from '../train/train-types.js';
import type { PipelineConfig } from './config-schema.js';
import { loadPipelineConfig } from './config-load.js';
import { buildDatasetManifest, type DatasetManifest } from './manifest.js';
import { evaluateTestSet, formatConfusion, type TestEvaluation } from './test-eval.js';
import { createRunFolder } from './tracker.js';
import { labelledFiles, type TrainFn } from './training-data.js';
import type { TrialRecord } from './trial.js';
import { runTuning } from './tune-run.js';
import { writeTrialOutputs } from './tune-report.js';
import type { SearchSpace } from './space.js';
import { withRunLock } from '../io/run-lock.js';

export interface PipelineOptions {
  /** Abort once: stop tuning (final training still runs with the best so far) or stop final training gracefully. */
  readonly signal?: AbortSignal;
  /** Separate signal for final training; default: `signal` unless it already ended the tuning. */
  readonly finalSignal?: AbortSignal;
  readonly onMessage?: (text: string) => void;
  /** Called as each stage starts, so a CLI can route Ctrl+C to the search or to final training. */
  readonly onStage?: (stage: 'tuning' | 'final') => void;
  /** Replace an existing run folder of the same name and restart the tuning state. */
  readonly overwrite?: boolean;
  /** Force tuning on (cryopick tune) or off. */
  readonly tune?: boolean;
  /** Overrides of the tuning section (cryopick tune flags). */
  readonly tuningOverrides?: Partial<PipelineConfig['tuning']>;
  /** Stand-ins for tests. */
  readonly train?: TrainFn;
  readonly evaluate?: (modelPath: string, micrographs: readonly string[], params: TrainParams, threshold: number, readImage?: (path: string) => Promise<Image2D>) => Promise<TestEvaluation>;
  /** Micrograph reader of every training and the test evaluation (default strict; `cryopick train --config --permissive` passes micrographReader(true, …)). */
  readonly readImage?: (path: string) => Promise<Image2D>;
}

export interface PipelineResult {
  readonly runDir: string;
  readonly manifest: DatasetManifest;
  readonly bestTrial: TrialRecord | undefined;
  readonly tuningInterrupted: boolean;
  readonly params: Readonly<Record<string, unknown>>;
  readonly final: TrainResult | undefined;
  readonly evaluation: TestEvaluation | undefined;
}

/** The learning-rate schedule with its base rate replaced by a tuned learning rate. */
export function withBaseLr(s: LrScheduleConfig, lr: number): LrScheduleConfig {
  switch (s.kind) {
    case 'constant': case 'step': case 'exponential': case 'plateau': return { ...s, lr };
    case 'linear': return { ...s, initialLr: lr };
    case 'cyclic': return { ...s, baseLr: lr, maxLr: Math.max(s.maxLr, lr) };
    case 'sgdr': return { ...s, maxLr: lr, minLr: Math.min(s.minLr, lr) };
    default: { const never: never = s; return never; }
  }
}

function baseParams(c: PipelineConfig): TrainParams {
  const { splitSeed: _s, ...data } = c.data;
  const { outputDir: _o, runName: _r, ...shared } = c.shared;
  return parseTrainParams({ ...data, ...shared, epochs: c.training.epochs });
}

/** Runs the whole pipeline from a config file. @throws ConfigError (all problems at once) before any work. */
export async function runTrainPipeline(configPath: string, opts: PipelineOptions = {}): Promise<PipelineResult> {
  const loaded = await loadPipelineConfig(configPath);
  const config: PipelineConfig = { ...loaded, tuning: { ...loaded.tuning, ...opts.tuningOverrides, ...(opts.tune !== undefined ? { enabled: opts.tune } : {}) } };
  // one writer per output folder: its tuning state and run folders are shared by every run in it
  return withRunLock(config.shared.outputDir, config.tuning.enabled ? 'tune' : 'train', () => runPipeline(config, opts));
}

async function runPipeline(config: PipelineConfig, opts: PipelineOptions): Promise<PipelineResult> {
  const say = (t: string): void => opts.onMessage?.(t);
  const trainWith = opts.train ?? (await import('../train/trainer.js')).trainPicker;
  const train: TrainFn = opts.readImage === undefined ? trainWith : (params, options) => trainWith(params, { ...options, readImage: opts.readImage as (path: string) => Promise<Image2D> });
  const evaluate = opts.evaluate ?? evaluateTestSet;
  const base = baseParams(config);
  const runName = config.shared.runName ?? `run-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`;
  const run = createRunFolder(join(config.shared.outputDir, 'runs'), runName, opts.overwrite ? { overwrite: true } : {});
  await run.writeJson('config.json', config);
  say(`run folder: ${run.dir} (tensorboard --logdir ${join(config.shared.outputDir, 'runs')})`);

  // 1. data / ETL: labelled micrographs, test split, validation split, manifest
  const data = await labelledFiles({ ...base, seed: config.data.splitSeed });
  const val = splitMicrographs(data.train, config.training.validationFraction, [], config.data.splitSeed + 1);
  const splits = { train: val.train.map(micrographKey), validation: val.test.map(micrographKey), test: data.test.map(micrographKey) };
  const manifest = await buildDatasetManifest({ micrographs: data.labelled, picks: [...base.picks, ...base.negatives], splits, pickCounts: data.pickCounts });
  await run.writeJson('dataset-manifest.json', manifest);
  say(`dataset ${manifest.id.slice(0, 12)}: ${data.labelled.length} labelled micrographs (${splits.train.length} train, ${splits.validation.length} validation, ${splits.test.length} test)`);

  // 2. tuning
  let tuned: Record<string, unknown> = {};
  let bestTrial: TrialRecord | undefined;
  let tuningInterrupted = false;
  if (config.tuning.enabled) {
    opts.onStage?.('tuning');
    const tr = await runTuning({
      tuning: config.tuning, base, train: data.train, dir: join(config.shared.outputDir, 'tuning'), trainFn: train,
      // the files' content (not the final-training splits) identifies the data a search may resume on
      manifestId: createHash('sha256').update(JSON.stringify([manifest.micrographs.map((m) => m.sha256), manifest.picks.map((f) => f.sha256), splits.test])).digest('hex'),
      ...(opts.overwrite ? { overwrite: true } : {}), ...(opts.signal ? { signal: opts.signal } : {}), onMessage: say,
      onTrialEnd: (t, best) => {
        run.logMetrics(t.index + 1, { 'tuning/score': t.score ?? Number.NaN, 'tuning/best': best?.score ?? Number.NaN }, { phase: 'tuning' });
        say(`trial ${t.index + 1}: ${JSON.stringify(t.params)}${t.epochs ? ` ${t.epochs} epochs` : ''} → ${t.score?.toFixed(4) ?? t.status} (best ${best?.score?.toFixed(4) ?? '-'})`);
      },
    });
    tuningInterrupted = tr.interrupted;
    bestTrial = tr.best;
    await run.writeJson('tuning.json', { trials: tr.trials, best: tr.best ?? null, interrupted: tr.interrupted, validation: tr.validation.map(micrographKey) });
    await writeTrialOutputs(join(run.dir, 'tuning'), config.tuning.space as SearchSpace, tr.trials, 'max');
    if (!bestTrial) {
      say(tr.interrupted ? 'tuning was interrupted before any trial finished: nothing to train; rerun to resume' : 'no tuning trial finished successfully: nothing to train');
      return { runDir: run.dir, manifest, bestTrial, tuningInterrupted, params: {}, final: undefined, evaluation: undefined };
    }
    tuned = { ...bestTrial.params };
    say(`best trial ${bestTrial.index + 1}: ${JSON.stringify(tuned)} (validation AUPRC ${bestTrial.score?.toFixed(4)})${tr.interrupted ? ' — search interrupted, using the best so far' : ''}`);
  }

  // 3. final training
  opts.onStage?.('final');
  const finalParams = parseTrainParams({ ...base, ...tuned, micrographs: [...data.train], testMicrographs: splits.validation, testFraction: 0 } as TrainParamsInput);
  const schedule = typeof tuned.learningRate === 'number' ? withBaseLr(config.lrScheduler, tuned.learningRate) : config.lrScheduler;
  await run.writeJson('final-params.json', { ...finalParams, lrScheduler: schedule });
  const finalSignal = opts.finalSignal ?? (tuningInterrupted ? undefined : opts.signal);
  const tc = config.training;
  const final = await train(finalParams, {
    outDir: run.path('model'), overwrite: true, onMessage: say, ...(finalSignal ? { signal: finalSignal } : {}),
    lrScheduler: (spe) => createLrScheduler(schedule, spe),
    ...(tc.patience > 0 ? { earlyStopping: { patience: tc.patience, restoreBest: tc.restoreBest, monitor: tc.monitor } } : {}),
  });
  for (const e of final.epochs) {
    const m: Record<string, number> = {};
    for (const [k, v] of Object.entries(e)) if (typeof v === 'number' && k !== 'epoch') m[`train/${k}`] = v;
    run.logMetrics(e.epoch, m, { phase: 'final' });
  }
  say(`final model: ${final.modelPath} (epoch ${final.bestEpoch} of ${final.epochs.length}${final.stoppedEarly ? ', stopped early' : ''}${final.interrupted ? ', interrupted' : ''})`);

  // 4. evaluation on the held-out test set
  let evaluation: TestEvaluation | undefined;
  if (data.test.length === 0) {
    say('no test micrographs (data.testFraction is 0 and data.testMicrographs is empty): skipping the test evaluation');
  } else {
    evaluation = await evaluate(final.modelPath, data.test, finalParams, tc.threshold, opts.readImage);
    await run.writeJson('evaluation.json', evaluation);
    await writeFileAtomic(run.path('confusion-matrix.tsv'), formatConfusion(evaluation.confusion), { overwrite: true });
    run.logMetrics(final.epochs.length, { 'test/precision': evaluation.precision, 'test/recall': evaluation.recall, 'test/f1': evaluation.f1, 'test/ap': evaluation.ap }, { phase: 'test' });
    say(`test (${evaluation.micrographs} micrographs, threshold ${evaluation.threshold}): precision ${evaluation.precision.toFixed(4)}, recall ${evaluation.recall.toFixed(4)}, F1 ${evaluation.f1.toFixed(4)}, AP ${evaluation.ap.toFixed(4)}`);
    say(formatConfusion(evaluation.confusion).trimEnd());
    const pm = evaluation.particles;
    if (pm) {
      run.logMetrics(final.epochs.length, { 'test/particle_precision': pm.precision, 'test/particle_recall': pm.recall, 'test/particle_f1': pm.f1, ...(pm.ap !== undefined ? { 'test/particle_ap': pm.ap } : {}) }, { phase: 'test' });
      say(`test particles (matched within 0.25 × diameter, ${pm.references} labelled): precision ${pm.precision.toFixed(4)}, recall ${pm.recall.toFixed(4)}, F1 ${pm.f1.toFixed(4)}, AP ${pm.ap?.toFixed(4) ?? '-'}`);
    }
  }
  const result: PipelineResult = { runDir: run.dir, manifest, bestTrial, tuningInterrupted, params: { ...finalParams }, final, evaluation };
  await run.writeJson('summary.json', { ...result, manifest: manifest.id });
  return result;
}
