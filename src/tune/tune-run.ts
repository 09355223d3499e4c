// The tuning stage of the pipeline: a validation split of the training micrographs, the chosen
// strategy, one short training per trial scored by its best epoch's validation AUPRC, the state
// in <outputDir>/tuning (resumed on rerun), and the trial table and plots.
import { join } from 'node:path';
import { micrographKey } from '../io/coords.js';
import { splitMicrographs } from '../train/split.js';
import type { TrainParams, TrainParamsInput } from '../train/params.js';
import { bayesianOptimization } from './bayesian.js';
import type { PipelineConfig } from './config-schema.js';
import { hyperband } from './hyperband.js';
import { randomSearch } from './random-search.js';
import { runSearch, type SearchResult } from './search.js';
import type { SearchSpace } from './space.js';
import type { Strategy, TrialRecord, TrialRequest } from './trial.js';
import type { TrainFn } from './training-data.js';
import { writeTrialOutputs } from './tune-report.js';
import { heldOutLabel, heldOutMetric, heldOutValue } from './held-out-score.js';

/** The strategy a tuning section asks for. */
export function strategyFromConfig(t: PipelineConfig['tuning']): Strategy {
  const space = t.space as SearchSpace;
  switch (t.strategy) {
    case 'random': return randomSearch(space, t.maxTrials, t.seed);
    case 'bayesian': return bayesianOptimization(space, { maxTrials: t.maxTrials, seed: t.seed, acquisition: t.acquisition, beta: t.beta, ...(t.initialPoints !== undefined ? { initialPoints: t.initialPoints } : {}) });
    case 'hyperband': return hyperband(space, { maxEpochs: t.maxEpochs, factor: t.factor, seed: t.seed, warmStart: t.warmStart, ...(t.brackets !== undefined ? { brackets: t.brackets } : {}) });
    default: { const never: never = t.strategy; throw new TypeError(`unknown strategy ${String(never)}`); }
  }
}

export interface TuningOptions {
  readonly tuning: PipelineConfig['tuning'];
  readonly base: TrainParams;
  /** Training micrographs (the test split is already removed). */
  readonly train: readonly string[];
  readonly dir: string;
  readonly manifestId: string;
  readonly trainFn: TrainFn;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  readonly onMessage?: (text: string) => void;
  readonly onTrialEnd?: (t: TrialRecord, best: TrialRecord | undefined) => void;
}

export interface TuningResult extends SearchResult {
  readonly validation: readonly string[];
  readonly files: readonly string[];
}

/** Runs (or resumes) the search; returns every trial and the best. */
export async function runTuning(o: TuningOptions): Promise<TuningResult> {
  const t = o.tuning;
  const split = splitMicrographs(o.train, t.validationFraction, [], t.seed);
  const validation = split.test;
  const fit = split.train;
  const strategy = strategyFromConfig(t);
  o.onMessage?.(`tuning: ${strategy.describe()}; ${fit.length} training and ${validation.length} validation micrographs`);
  const metric = heldOutMetric((o.base as { family?: unknown }).family);
  const objective = async (req: TrialRequest, ctx: { signal: AbortSignal }) => {
    const params: TrainParamsInput = {
      ...o.base, ...req.params, epochs: req.epochs ?? t.epochsPerTrial, micrographs: [...fit], testMicrographs: [], testFraction: 0,
      ...(req.warmStart ? { init: req.warmStart.artifact } : {}),
    } as TrainParamsInput;
    const r = await o.trainFn(params, {
      outDir: join(o.dir, 'trials', `trial-${String(req.index + 1).padStart(4, '0')}`), overwrite: true, signal: ctx.signal, plots: false,
      heldOut: { micrographs: [...validation], picks: [...o.base.picks] },
      ...(t.patience > 0 ? { earlyStopping: { patience: t.patience, restoreBest: true, monitor: metric } } : {}),
    });
    const scores = r.epochs.map((e) => heldOutValue(e, metric)).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const best = scores.length ? Math.max(...scores) : Number.NaN;
    const metrics: Record<string, number> = { epochsRun: r.epochs.length, bestEpoch: r.bestEpoch };
    return { score: best, artifact: r.modelPath, metrics, interrupted: r.interrupted };
  };
  // final-training epochs and thread count do not change what a trial computes, so they may change on resume
  const { micrographs: _m, picks: _p, testMicrographs: _t, epochs: _e, threads: _th, ...paramIdentity } = o.base;
  const result = await runSearch(objective, {
    strategy, direction: 'max', stateFile: join(o.dir, 'state.json'),
    identity: { space: t.space, strategy: t.strategy, seed: t.seed, maxTrials: t.maxTrials, epochsPerTrial: t.epochsPerTrial, maxEpochs: t.maxEpochs,
      factor: t.factor, brackets: t.brackets ?? null, validation: validation.map(micrographKey), manifest: o.manifestId, params: paramIdentity },
    overwrite: o.overwrite ?? t.overwrite,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onTrialEnd ? { onTrialEnd: o.onTrialEnd } : {}),
  });
  if (result.resumed > 0) o.onMessage?.(`tuning resumed: ${result.resumed} trial(s) loaded from ${join(o.dir, 'state.json')}`);
  const files = await writeTrialOutputs(o.dir, t.space as SearchSpace, result.trials, 'max', heldOutLabel(metric).replace('held-out', 'validation'));
  return { ...result, validation, files };
}
