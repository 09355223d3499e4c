// trainPicker: the Topaz Train job (and more). Loads the data once, trains with Adam on dense
// crops or Topaz patches, evaluates every epoch on held-out micrographs, checkpoints every epoch,
// exports the best epoch as an .onnx model, and writes results, plots and diagnostics.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { UserError } from '../errors.js';
import { chanceLevel, evaluateMicrographs } from './evaluate.js';
import { diagnoseTraining } from './diagnostics.js';
import { finishTraining } from './finish.js';
import { modeDefaults, parseTrainParams, type TrainParams, type TrainParamsInput } from './params.js';
import { createPickerNet, denseCapable } from './picker-net.js';
import { createYoloNet } from './yolo-net.js';
import { trainPreprocessParams } from './preprocess-config.js';
import { renderJsonLines, writeResults, type ResultRow } from './results.js';
import { checkpointPath, epochWeights, resumeTraining } from './resume.js';
import { clearRunState, refuseOtherRun, writeRunRecord } from './run-folder.js';
import { makeBatchSource, makeScheduler, prepareData, type BatchSource } from './train-setup.js';
import type { LrScheduler } from './lr-schedule.js';
import type { PickerNet } from './net.js';
import type { EpochMetrics, TrainOptions, TrainResult } from './train-types.js';
import { trainingRandom } from './split.js';
import { resolveInputSize } from './yolo-input-size.js';

/**
 * Trains a picker. Aborting `options.signal` finishes the current step, exports the best model
 * so far, writes the results and resolves with `interrupted: true`.
 * @throws ConfigError for invalid parameters (all problems at once), before any work.
 */
export async function trainPicker(input: TrainParams | TrainParamsInput, options: TrainOptions): Promise<TrainResult> {
  const parsed = await resolveInputSize(parseTrainParams(input), (t) => options.onMessage?.(t));
  const toPatch = parsed.family === 'topaz' && parsed.mode === 'dense' && !denseCapable(parsed);
  const p: TrainParams = toPatch ? patchParams(parsed, input) : parsed;
  if (p !== parsed) options.onMessage?.('pooling, dropout and the autoencoder need patch training: using --mode patch');
  const start = Date.now();
  const modelPath = join(options.outDir, 'model.onnx');
  refuseOtherRun(options.outDir, options);
  const pre = trainPreprocessParams(p);
  const data = await prepareData(p, pre, options);
  const net = p.family === 'yolo' ? await createYoloNet(p) : await createPickerNet(p, data.loss, options.outDir);
  // only now (data read, prior possible, model built): a failure before this leaves no folder behind,
  // and --overwrite clears the old run's state before anything new is written
  if (options.overwrite && !options.resume) clearRunState(options.outDir);
  await mkdir(join(options.outDir, 'checkpoints'), { recursive: true });
  const say = (t: string): void => options.onMessage?.(t);
  if (data.test.length === 0) say('no test split: the last epoch will be exported (use --test-fraction or --test-micrographs to choose the best epoch on held-out data)');
  const rng = trainingRandom(p.seed);
  const source = makeBatchSource(p, data.train, data.loss.method, net.receptiveField, (c) => net.outputSize(c), rng);
  const spe = p.epochSize;
  const scheduler = makeScheduler(p, options, spe);
  const rows: ResultRow[] = [];
  const epochs: EpochMetrics[] = [];
  // weights stay undefined only while finished epochs are replayed on resume (loaded right after)
  let best: { epoch: number; score: number; weights: Map<string, Float32Array> | undefined } | undefined;
  let interrupted = false;
  let stoppedEarly = false;
  let sinceBest = 0;
  let globalStep = 0;
  let secondsBefore = 0; // wall time of the epochs finished before a resume
  let runId: string | undefined; // this folder's run (undefined only when resuming a run of version 1)
  let onDisk = 0; // epochs whose checkpoint and epochs.jsonl line are on disk
  const monitor = options.earlyStopping?.monitor ?? p.selectMetric;
  /** Best-epoch tracking and the scheduler's end of epoch, for a new epoch or one replayed on resume. */
  const closeEpoch = (em: EpochMetrics, weights: () => Map<string, Float32Array> | undefined): void => {
    const score = monitorScore(em, monitor);
    if (score === undefined || best === undefined || score > best.score) {
      best = { epoch: em.epoch, score: score ?? em.epoch, weights: weights() };
      sinceBest = 0;
    } else {
      sinceBest++;
    }
    scheduler.endEpoch(em.epoch - 1, em.testLoss ?? em.heldOutLoss ?? em.trainLoss);
  };
  try {
    const run = options.resume ? await resumeTraining(options.outDir, p, net) : undefined;
    const resumed = run?.point;
    if (run) runId = run.runId;
    if (resumed) {
      rng.setState(resumed.rngState);
      epochs.push(...resumed.epochs);
      rows.push(...resumed.rows);
      for (const e of resumed.epochs) closeEpoch(e, () => undefined);
      if (best) best.weights = await epochWeights(options.outDir, best.epoch, runId);
      globalStep = epochs.length * spe;
      onDisk = epochs.length;
      secondsBefore = epochs.at(-1)?.seconds ?? 0;
      say(epochs.length < p.epochs ? `resuming after epoch ${epochs.length} of ${p.epochs}` : `all ${p.epochs} epochs were done; exporting the best again`);
    } else {
      if (options.resume) say('no finished epoch to resume from: starting from the beginning');
      else runId = await writeRunRecord(options.outDir, p);
    }
    for (let epoch = epochs.length + 1; epoch <= p.epochs && !interrupted; epoch++) {
      const ran = await runSteps({ net, source, scheduler, options, rows, epoch, epochs: p.epochs, spe, firstStep: globalStep });
      globalStep += ran.steps;
      interrupted = ran.interrupted;
      const { steps, lossSum, precSum, penSum, lr } = ran;
      if (steps === 0) break;
      if (interrupted && steps < spe) { say(`interrupted in epoch ${epoch} after ${steps} of ${spe} steps`); break; }
      options.onProgress?.({ phase: 'evaluate', epoch, epochs: p.epochs, step: spe, stepsPerEpoch: spe });
      const tm = await evaluateMicrographs(net, data.test, data.prior.pi, data.prior.pObserved, p.particleDiameter);
      const hm = data.heldOut.length ? await evaluateMicrographs(net, data.heldOut, data.prior.pi, data.prior.pObserved, p.particleDiameter) : undefined;
      const em: EpochMetrics = {
        epoch, lr, trainLoss: lossSum / steps, trainPrecision: precSum / steps,
        ...(data.loss.method.startsWith('GE') ? { gePenalty: penSum / steps } : {}),
        ...(tm ? { testLoss: tm.loss, precision: tm.precision, adjustedPrecision: tm.adjustedPrecision, tpr: tm.tpr, fpr: tm.fpr, auprc: tm.auprc, ...(tm.particleAp === undefined ? {} : { particleAp: tm.particleAp }) } : {}),
        ...(hm ? { heldOutAuprc: hm.auprc, heldOutLoss: hm.loss, ...(hm.particleAp === undefined ? {} : { heldOutParticleAp: hm.particleAp }) } : {}),
        seconds: secondsBefore + (Date.now() - start) / 1000,
      };
      epochs.push(em);
      if (tm) {
        rows.push({ epoch, iter: globalStep, split: 'test', loss: tm.loss, precision: tm.precision, adjustedPrecision: tm.adjustedPrecision, tpr: tm.tpr, fpr: tm.fpr, auprc: tm.auprc,
          ...(tm.particleAp === undefined ? {} : { particleAp: tm.particleAp }), lr });
      }
      if (hm) rows.push({ epoch, iter: globalStep, split: 'heldout', loss: hm.loss, precision: hm.precision, adjustedPrecision: hm.adjustedPrecision, tpr: hm.tpr, fpr: hm.fpr, auprc: hm.auprc, lr });
      await net.saveCheckpoint(checkpointPath(options.outDir, epoch), rng.getState(), runId);
      closeEpoch(em, () => net.snapshot());
      await writeResults(options.outDir, rows, runId);
      await writeFileAtomic(join(options.outDir, 'epochs.jsonl'), renderJsonLines(epochs, runId), { overwrite: true });
      onDisk = epochs.length;
      if (options.earlyStopping && sinceBest >= options.earlyStopping.patience && epoch < p.epochs) {
        say(`early stopping after epoch ${epoch}: ${monitor} did not improve for ${sinceBest} epochs`);
        stoppedEarly = true;
        break;
      }
    }
    const restoreBest = options.earlyStopping ? options.earlyStopping.restoreBest : true;
    const kept = restoreBest ? best : undefined;
    const chosen = kept?.weights ? { epoch: kept.epoch, weights: kept.weights } : { epoch: epochs.length, weights: net.snapshot() };
    const diagnostics = diagnoseTraining({
      epochs, chanceAuprc: chanceLevel(data.test), hasTestSplit: data.test.length > 0, learningRate: p.learningRate, epochCount: p.epochs,
    });
    await writeResults(options.outDir, rows, runId);
    await finishTraining({ net, params: p, pre, data, epochs, bestEpoch: chosen.epoch, weights: chosen.weights, modelPath, options, diagnostics, interrupted, startMs: start, runId });
    return {
      modelPath, outDir: options.outDir, bestEpoch: chosen.epoch, epochs, diagnostics, interrupted, stoppedEarly,
      method: data.loss.method, pi: data.prior.pi, seconds: (Date.now() - start) / 1000,
    };
  } catch (err) {
    throw diskFull(err, onDisk, p.epochs, runId !== undefined || options.resume === true);
  } finally {
    await net.release();
  }
}

/** A full disk says what is kept and how to continue (finished epochs are checkpointed, files are atomic). */
function diskFull(err: unknown, done: number, total: number, resumable: boolean): unknown {
  if (!(err instanceof UserError) || (err.code !== 'ENOSPC' && err.code !== 'EDQUOT')) return err;
  const next = resumable ? `free some space and rerun the same command with --resume to continue${done < total ? '' : ' (it exports the model again)'}` : 'free some space and rerun';
  return new UserError(err.code, `${err.message}; ${done} of ${total} epochs are done and kept: ${next}`);
}

interface StepsInput {
  readonly net: PickerNet;
  readonly source: BatchSource;
  readonly scheduler: LrScheduler;
  readonly options: TrainOptions;
  readonly rows: ResultRow[];
  readonly epoch: number;
  readonly epochs: number;
  readonly spe: number;
  readonly firstStep: number;
}

/** One epoch of updates (stops early when aborted); appends a results row per step. */
async function runSteps(c: StepsInput): Promise<{ steps: number; lossSum: number; precSum: number; penSum: number; lr: number; interrupted: boolean }> {
  let lossSum = 0; let precSum = 0; let penSum = 0; let steps = 0; let lr = 0;
  const t0 = Date.now();
  for (let step = 0; step < c.spe; step++) {
    if (c.options.signal?.aborted) return { steps, lossSum, precSum, penSum, lr, interrupted: true };
    const b = c.source.next();
    lr = c.scheduler.lrAt(c.firstStep + steps);
    const r = await c.net.trainStep(b.x, b.batch, b.side, b.y, lr, b.targets);
    steps++;
    const prec = batchPrecision(r.probs, b.y);
    lossSum += r.reported; precSum += prec.precision; penSum += r.penalty ?? 0;
    c.rows.push({ epoch: c.epoch, iter: c.firstStep + steps, split: 'train', loss: r.reported, ...(r.penalty !== undefined ? { gePenalty: r.penalty } : {}),
      ...(r.reconError !== undefined ? { reconError: r.reconError } : {}), precision: prec.precision, tpr: prec.tpr, fpr: prec.fpr, lr });
    c.options.onProgress?.({ phase: 'train', epoch: c.epoch, epochs: c.epochs, step: step + 1, stepsPerEpoch: c.spe, loss: lossSum / steps,
      stepsPerSecond: (1000 * steps) / Math.max(1, Date.now() - t0) });
  }
  return { steps, lossSum, precSum, penSum, lr, interrupted: false };
}

function monitorScore(e: EpochMetrics, monitor: string): number | undefined {
  switch (monitor) {
    case 'precision': return e.precision;
    case 'testLoss': return e.testLoss === undefined ? undefined : -e.testLoss;
    case 'heldOutAuprc': return e.heldOutAuprc;
    case 'heldOutParticleAp': return e.heldOutParticleAp;
    case 'ap': return e.particleAp;
    default: return e.auprc;
  }
}

/** Topaz's per-batch precision (Σp on labelled / Σp), TPR and FPR. */
export function batchPrecision(probs: Float32Array, labels: Float32Array): { precision: number; tpr: number; fpr: number } {
  let sp = 0; let spp = 0; let np = 0;
  for (let i = 0; i < probs.length; i++) {
    const v = probs[i] as number;
    sp += v;
    if ((labels[i] as number) > 0) { spp += v; np++; }
  }
  const nu = probs.length - np;
  return { precision: sp > 0 ? spp / sp : 0, tpr: np ? spp / np : 0, fpr: nu ? (sp - spp) / nu : 0 };
}

/** `parsed` switched to patch mode, with patch-mode defaults for what the user did not give. */
function patchParams(parsed: TrainParams, input: unknown): TrainParams {
  const given = (typeof input === 'object' && input !== null ? input : {}) as Parameters<typeof modeDefaults>[0];
  const { finalLearningRate: _dropped, ...rest } = parsed;
  return { ...rest, mode: 'patch', ...modeDefaults(given, 'patch') };
}
