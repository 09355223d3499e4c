// The classifier training loop: class-balanced batches, one fused step per batch at the
// scheduler's rate, validation after every epoch, early stopping on validation loss with the
// best epoch's weights restored, and a graceful stop on an abort signal (Ctrl+C).
import type { LrScheduler } from '../train/lr-schedule.js';
import { Random } from '../random.js';
import { balancedEpoch, fillBatch, variantsOf, type Augmentation } from './batches.js';
import type { DatasetSplit } from './dataset-store.js';
import { probabilitiesOf, type ClassifierNet } from './net.js';

export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly lr: number;
  readonly seconds: number;
}

export interface FitOptions {
  /** Train until this many epochs are done (counting initialEpoch). */
  readonly epochs: number;
  readonly initialEpoch?: number;
  /** Early stopping: stop after this many epochs without a lower validation loss (0 = at the first). */
  readonly patience: number;
  readonly batchSize: number;
  readonly augmentation: Augmentation;
  /** Crop side (rotations only). */
  readonly side?: number;
  readonly seed: number;
  readonly scheduler: (stepsPerEpoch: number) => LrScheduler;
  readonly signal?: AbortSignal;
  readonly onEpoch?: (m: EpochMetrics) => void;
}

export interface FitResult {
  readonly history: readonly EpochMetrics[];
  readonly best: EpochMetrics | undefined;
  readonly interrupted: boolean;
  readonly stoppedEarly: boolean;
}

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
  readonly predictions: Uint8Array;
  /** [count, K]. */
  readonly probabilities: Float32Array;
}

/** Runs the inference graph over a whole split (the last partial batch is zero-padded). */
export async function evaluateSplit(net: ClassifierNet, split: DatasetSplit, batchSize: number): Promise<Evaluation> {
  const n = split.count;
  const K = net.classes;
  const batch = Math.max(1, Math.min(batchSize, n));
  const fwd = await net.compileEval(batch);
  const x = new Float32Array(batch * split.itemSize);
  const probabilities = new Float32Array(n * K);
  try {
    for (let start = 0; start < n; start += batch) {
      x.fill(0);
      const count = Math.min(batch, n - start);
      for (let i = 0; i < count; i++) split.read(start + i, x, i * split.itemSize);
      const logits = (await fwd.run({ x }))['logits'] as Float32Array;
      probabilities.set(probabilitiesOf(logits, K, net.spec.loss).subarray(0, count * K), start * K);
    }
  } finally {
    await fwd.release();
  }
  const predictions = new Uint8Array(n);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = probabilities.subarray(i * K, (i + 1) * K);
    let arg = 0;
    for (let k = 1; k < K; k++) if ((row[k] as number) > (row[arg] as number)) arg = k;
    predictions[i] = arg;
    const label = split.labels[i] as number;
    if (arg === label) correct++;
    if (net.spec.loss === 'cross-entropy') loss -= Math.log(Math.max(row[label] as number, 1e-12));
    else for (let k = 0; k < K; k++) loss += ((row[k] as number) - (k === label ? 1 : 0)) ** 2 / K;
  }
  return { loss: n > 0 ? loss / n : Number.NaN, accuracy: n > 0 ? correct / n : Number.NaN, predictions, probabilities };
}

/** Trains net on train, validating on val; leaves the best epoch's weights in net.store. */
export async function fitClassifier(net: ClassifierNet, train: DatasetSplit, val: DatasetSplit, o: FitOptions): Promise<FitResult> {
  const K = net.classes;
  const variants = variantsOf(o.augmentation);
  const batch = Math.max(1, Math.min(o.batchSize, train.count * variants));
  const uniform = new Random(o.seed * 7919 + (o.initialEpoch ?? 0)).next;
  const stepsPerEpoch = Math.max(1, Math.floor((train.count * variants) / batch));
  const scheduler = o.scheduler(stepsPerEpoch);
  net.initialize();
  const step = await net.compileTrain(batch);
  const x = new Float32Array(batch * train.itemSize);
  const y = new Float32Array(batch * K);
  const history: EpochMetrics[] = [];
  let best: EpochMetrics | undefined;
  let bestWeights: Map<string, Float32Array> | undefined;
  let wait = 0;
  let interrupted = false;
  let stoppedEarly = false;
  let globalStep = (o.initialEpoch ?? 0) * stepsPerEpoch;
  try {
    for (let epoch = o.initialEpoch ?? 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      let lossSum = 0, correct = 0, seen = 0, lr = 0;
      for (const entries of balancedEpoch(train.labels, K, batch, variants, uniform)) {
        if (o.signal?.aborted) { interrupted = true; break; }
        fillBatch(train, entries, x, y, K, o.augmentation, uniform, o.side ?? 0);
        lr = scheduler.lrAt(globalStep++);
        const r = await step.run({ x, y }, lr);
        lossSum += r.loss * entries.length;
        const logits = r.outputs['logits'] as Float32Array;
        for (let i = 0; i < entries.length; i++) {
          let arg = 0;
          for (let k = 1; k < K; k++) if ((logits[i * K + k] as number) > (logits[i * K + arg] as number)) arg = k;
          if ((y[i * K + arg] as number) === 1) correct++;
        }
        seen += entries.length;
      }
      if (interrupted && seen === 0) break;
      const v = await evaluateSplit(net, val, o.batchSize);
      const m: EpochMetrics = { epoch: epoch + 1, loss: lossSum / Math.max(1, seen), accuracy: correct / Math.max(1, seen), valLoss: v.loss, valAccuracy: v.accuracy, lr, seconds: (performance.now() - t0) / 1000 };
      history.push(m);
      o.onEpoch?.(m);
      scheduler.endEpoch(epoch, v.loss);
      if (!best || m.valLoss < best.valLoss) {
        best = m;
        bestWeights = net.store.values();
        bestWeights = new Map([...bestWeights].map(([k, a]) => [k, Float32Array.from(a)]));
        wait = 0;
      } else if (++wait >= Math.max(1, o.patience)) {
        stoppedEarly = true;
        break;
      }
      if (interrupted || o.signal?.aborted) { interrupted = true; break; }
    }
  } finally {
    await step.release();
  }
  if (bestWeights) net.store.load(bestWeights);
  return { history, best, interrupted, stoppedEarly };
}
