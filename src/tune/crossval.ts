// Cross-validation (cryoSPARC's Topaz Cross Validation job, Topaz tutorial 03): one numeric
// training parameter tried at initial + j·increment, folds × values trainings on micrograph-level
// folds, each scored on its held-out fold; the best value by mean trains the final model.
import { join } from 'node:path';
import { ConfigError, ParameterError, type ConfigProblem } from '../errors.js';
import { parseTrainParams, TrainParamsSchema, type TrainParams, type TrainParamsInput } from '../train/params.js';
import type { TrainResult } from '../train/train-types.js';
import { micrographKey } from '../io/coords.js';
import { assignFolds, cvValues } from './folds.js';
import { runSearch } from './search.js';
import type { Strategy, TrialRecord } from './trial.js';
import { labelledFiles, type TrainFn } from './training-data.js';
import { buildDatasetManifest, type DatasetManifest } from './manifest.js';
import { summariseCv, writeCvOutputs, type CvSummaryRow } from './crossval-report.js';
import { heldOutLabel, heldOutMetric, heldOutValue } from './held-out-score.js';

export interface CrossValidateOptions {
  /** Every training parameter (micrographs, picks, expectedParticles, ...). */
  readonly params: TrainParamsInput;
  /** The training parameter to optimise (any numeric one: learningRate, expectedParticles, epochs, ...). */
  readonly parameter: string;
  readonly folds: number;
  readonly initial: number;
  readonly increment: number;
  /** Number of values tried: initial + j·increment for j = 0 … count−1. */
  readonly count: number;
  readonly outDir: string;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  /** Signal for the final training (default: `signal`, unless it already stopped the CV runs). */
  readonly finalSignal?: AbortSignal;
  readonly onMessage?: (text: string) => void;
  readonly onRunEnd?: (run: TrialRecord, done: number, total: number) => void;
  /** Training function; default trainPicker. */
  readonly train?: TrainFn;
}

export interface CrossValidateResult {
  readonly values: readonly number[];
  readonly runs: readonly TrialRecord[];
  readonly summary: readonly CvSummaryRow[];
  readonly best: CvSummaryRow | undefined;
  readonly final: TrainResult | undefined;
  readonly interrupted: boolean;
  readonly manifest: DatasetManifest;
  readonly files: { readonly table: string; readonly summary: string; readonly plot: string };
}

/** Checks the parameter name and every value against the training schema; all problems at once. */
export function validateCv(o: Pick<CrossValidateOptions, 'params' | 'parameter' | 'folds' | 'increment' | 'count' | 'initial'>): { base: TrainParams; values: number[] } {
  const problems: ConfigProblem[] = [];
  const shape = TrainParamsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  const field = shape[o.parameter];
  if (!field || !field.safeParse(1).success && !field.safeParse(0.5).success && !field.safeParse(1e-4).success) {
    const numeric = Object.keys(shape).filter((k) => [1, 0.5, 1e-4].some((v) => shape[k]?.safeParse(v).success) && k !== 'seed' && k !== 'threads');
    problems.push({ path: 'parameter', message: `'${o.parameter}' is not a numeric training parameter; allowed: ${numeric.join(', ')}` });
  }
  if (!(Number.isInteger(o.folds) && o.folds >= 2)) problems.push({ path: 'folds', message: `must be an integer >= 2, got ${o.folds}` });
  if (!(Number.isInteger(o.count) && o.count >= 1)) problems.push({ path: 'count', message: `number of values must be an integer >= 1, got ${o.count}` });
  if (!Number.isFinite(o.increment) || (o.count > 1 && o.increment === 0)) problems.push({ path: 'increment', message: `must be a non-zero number, got ${o.increment}` });
  if (!Number.isFinite(o.initial)) problems.push({ path: 'initial', message: `must be a number, got ${o.initial}` });
  const values = problems.length === 0 ? cvValues(o.initial, o.increment, o.count) : [];
  let base: TrainParams | undefined;
  try { base = parseTrainParams(o.params); } catch (err) {
    if (err instanceof ConfigError) problems.push(...err.problems); else throw err;
  }
  if (field) {
    for (const v of values) {
      if (!field.safeParse(v).success) problems.push({ path: o.parameter, message: `value ${v} (initial + j·increment) is not valid for ${o.parameter}` });
    }
  }
  if (problems.length > 0 || !base) throw new ParameterError(problems, 'invalid cross-validation settings');
  return { base, values };
}

function gridStrategy(values: readonly number[], folds: number, parameter: string): Strategy {
  const total = values.length * folds;
  return {
    name: 'grid',
    next(history) {
      if (history.length >= total) return undefined;
      const i = history.length;
      return { index: i, params: { [parameter]: values[Math.floor(i / folds)] as number, fold: i % folds } };
    },
    describe: () => `${values.length} values × ${folds} folds = ${total} trainings`,
  };
}

/** Runs (or resumes) the cross-validation and the final training. */
export async function crossValidate(o: CrossValidateOptions): Promise<CrossValidateResult> {
  const { base, values } = validateCv(o);
  const train = o.train ?? (await import('../train/trainer.js')).trainPicker;
  const say = (t: string): void => o.onMessage?.(t);
  const data = await labelledFiles(base);
  const folds = assignFolds(data.train, o.folds, base.seed);
  const splits: Record<string, string[]> = { test: data.test.map(micrographKey) };
  folds.forEach((f, i) => { splits[`fold${i + 1}`] = f.map(micrographKey); });
  const manifest = await buildDatasetManifest({ micrographs: data.labelled, picks: base.picks, splits, pickCounts: data.pickCounts });
  say(`cross-validation of ${o.parameter} over ${values.join(', ')}: ${folds.length} folds of ${folds.map((f) => f.length).join('/')} micrographs, ${data.test.length} test micrographs; ${values.length * folds.length} trainings`);
  const metric = heldOutMetric((base as { family?: unknown }).family);
  const search = await runSearch(async (req, ctx) => {
    const fold = req.params.fold as number;
    const heldOut = folds[fold] as string[];
    const trainFiles = data.train.filter((f) => !heldOut.includes(f));
    const r = await train({ ...base, [o.parameter]: req.params[o.parameter], micrographs: trainFiles, testMicrographs: [], testFraction: 0 } as TrainParamsInput, {
      outDir: join(o.outDir, 'runs', `value${Math.floor(req.index / folds.length) + 1}-fold${fold + 1}`), overwrite: true, signal: ctx.signal,
      heldOut: { micrographs: heldOut, picks: [...base.picks] }, plots: false,
    });
    const last = r.epochs[r.epochs.length - 1];
    const metrics: Record<string, number> = { bestEpoch: r.bestEpoch, epochs: r.epochs.length };
    r.epochs.forEach((e) => { const v = heldOutValue(e, metric); if (v !== undefined) metrics[`${metric}@${e.epoch}`] = v; });
    return { score: (last && heldOutValue(last, metric)) ?? Number.NaN, artifact: r.modelPath, metrics, interrupted: r.interrupted };
  }, {
    strategy: gridStrategy(values, folds.length, o.parameter), direction: 'max', stateFile: join(o.outDir, 'cv-state.json'),
    identity: { parameter: o.parameter, values, folds, manifest: manifest.id, params: { ...base, micrographs: undefined, picks: undefined } },
    ...(o.overwrite !== undefined ? { overwrite: o.overwrite } : {}), ...(o.signal ? { signal: o.signal } : {}),
    onTrialEnd: (t) => o.onRunEnd?.(t, t.index + 1, values.length * folds.length),
  });
  if (search.resumed > 0) say(`resumed: ${search.resumed} of ${values.length * folds.length} trainings were already done`);
  const summary = summariseCv(search.trials, o.parameter, values, metric);
  const best = summary.filter((s) => s.n > 0).reduce<CvSummaryRow | undefined>((b, s) => (!b || s.mean > b.mean ? s : b), undefined);
  const files = await writeCvOutputs(o.outDir, o.parameter, search.trials, summary, best, manifest, metric);
  if (!best) {
    say('no cross-validation training finished: no value can be chosen and no final model was trained');
    return { values, runs: search.trials, summary, best, final: undefined, interrupted: search.interrupted, manifest, files };
  }
  say(`best ${o.parameter} = ${best.value} (mean ${heldOutLabel(metric)} ${best.mean.toFixed(4)} ± ${best.sd.toFixed(4)} over ${best.n} folds)${search.interrupted ? ' — chosen from the runs finished before the interrupt' : ''}`);
  const finalSignal = o.finalSignal ?? (search.interrupted ? undefined : o.signal);
  const final = await train({ ...base, [o.parameter]: best.value, micrographs: [...data.train, ...data.test], testMicrographs: data.test.map(micrographKey) } as TrainParamsInput, {
    outDir: join(o.outDir, 'final'), overwrite: true, ...(finalSignal ? { signal: finalSignal } : {}), onMessage: say,
  });
  say(`final model: ${final.modelPath}`);
  return { values, runs: search.trials, summary, best, final, interrupted: search.interrupted, manifest, files };
}
