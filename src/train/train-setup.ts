// Everything decided before the first step: data loaded once and split by micrograph, the prior
// π (and a PN switch), the loss settings, the learning-rate schedule and the batch sampler.
import { preprocessImageDetailed } from '../image/preprocess.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import { createLrScheduler, type LrScheduler } from './lr-schedule.js';
import type { LabelledMicrograph } from './dataset.js';
import { DenseSampler } from './dense-sampler.js';
import { countPositive } from './labels.js';
import { loadLabelledMicrographs, readPicks } from './load-data.js';
import { countNegative, readEmptyNames } from './negatives.js';
import type { LossSettings } from './loss-reference.js';
import { effectiveSlack, type TrainParams } from './params.js';
import { decidePrior, type PriorDecision } from './pi.js';
import { PatchSampler } from './sampler.js';
import { YoloSampler } from './yolo-sampler.js';
import { gridStride } from '../models/yolo/spec.js';
import { splitMicrographs } from './split.js';
import type { Random } from '../random.js';
import type { TrainOptions } from './train-types.js';
import { gridFrame } from '../image/downsample.js';
import { ORIGINAL_FRAME, fileFrame, lengthInFrame } from '../io/coords.js';

export interface TrainData {
  readonly train: readonly LabelledMicrograph[];
  readonly test: readonly LabelledMicrograph[];
  readonly heldOut: readonly LabelledMicrograph[];
  readonly prior: PriorDecision;
  readonly loss: LossSettings;
  /** Particles per micrograph the prior assumes (--expected-particles, else labelled picks per micrograph). */
  readonly expectedParticles?: number;
}

function preprocessor(pre: PreprocessParams) {
  return async (image: Parameters<typeof preprocessImageDetailed>[0]) => {
    const r = preprocessImageDetailed(image, pre);
    return { image: r.image, frame: gridFrame(r.plan) };
  };
}

/** Loads, preprocesses and splits the data; decides π and the objective actually trained. */
export async function prepareData(p: TrainParams, pre: PreprocessParams, o: TrainOptions): Promise<TrainData> {
  const say = (t: string): void => o.onMessage?.(t);
  const picks = await readPicks(p.picks, p.picksBinning);
  const load = { picksBinning: p.picksBinning, radius: p.radius, preprocess: preprocessor(pre), onMessage: say, ...(o.signal ? { signal: o.signal } : {}), ...(o.readImage ? { readImage: o.readImage } : {}) };
  const negatives = p.negatives.length > 0 || p.emptyMicrographs.length > 0
    ? { picks: await readPicks(p.negatives, p.picksBinning), emptyMicrographs: readEmptyNames(p.emptyMicrographs), radius: p.negativeRadius ?? p.radius }
    : undefined;
  const all = await loadLabelledMicrographs(p.micrographs, picks, {
    ...load, ...(negatives ? { negatives } : {}),
    onLoaded: (done, total) => o.onProgress?.({ phase: 'load', epoch: 0, epochs: p.epochs, step: done, stepsPerEpoch: total }),
  });
  const split = splitMicrographs(all.map((m) => m.name), p.testFraction, p.testMicrographs, p.seed);
  const testNames = new Set(split.test);
  const train = all.filter((m) => !testNames.has(m.name));
  const test = all.filter((m) => testNames.has(m.name));
  let heldOut: LabelledMicrograph[] = [];
  if (o.heldOut) {
    const hp = await readPicks(o.heldOut.picks, p.picksBinning);
    heldOut = await loadLabelledMicrographs(o.heldOut.micrographs, hp, load);
  }
  const labelledPixels = train.reduce((a, m) => a + countPositive(m.mask), 0);
  const labelledPicks = train.reduce((a, m) => a + m.picks.length, 0);
  // Micrographs marked empty hold no particles: the expected count applies to the others only.
  const emptyCount = train.filter((m) => countNegative(m.negatives) === m.mask.length).length;
  const holding = (train.length - emptyCount) / Math.max(1, train.length);
  // The yolo family has no class prior; its pixel metrics take the picks as complete.
  const expected = p.expectedParticles === undefined ? Math.max(1, labelledPicks / Math.max(1, train.length)) : p.expectedParticles * holding;
  const negativePixels = train.reduce((a, m) => a + countNegative(m.negatives), 0);
  const prior = decidePrior(p.loss, expected, p.radius, train.map((m) => m.image.width * m.image.height), labelledPixels, labelledPicks, negativePixels);
  if (prior.notice && p.family !== 'yolo') say(prior.notice);
  const ge = prior.method === 'GE-binomial' || prior.method === 'GE-KL';
  const loss: LossSettings = {
    method: prior.method,
    pi: ge ? prior.unlabelledPrior : prior.pi,
    slack: effectiveSlack(p.loss === 'GE-KL' ? 'GE-KL' : 'GE-binomial', p.slack),
    classWeight: p.classWeight,
    // only with known negatives in the training split: otherwise the objective is exactly the plain one
    ...(negativePixels > 0 ? { negativeWeight: p.negativeWeight } : {}),
  };
  return { train, test, heldOut, prior, loss, expectedParticles: expected };
}

/** The per-step learning rate: a tune scheduler, else linear initial → final, else constant. */
export function makeScheduler(p: TrainParams, o: TrainOptions, stepsPerEpoch: number): LrScheduler {
  if (o.lrScheduler) return o.lrScheduler(stepsPerEpoch);
  if (p.finalLearningRate !== undefined) {
    return createLrScheduler({ kind: 'linear', initialLr: p.learningRate, finalLr: p.finalLearningRate, totalEpochs: p.epochs }, stepsPerEpoch);
  }
  return createLrScheduler({ kind: 'constant', lr: p.learningRate }, stepsPerEpoch);
}

export interface BatchSource {
  /** Next minibatch: images [batch, side, side] and labels of every output pixel. */
  next(): { x: Float32Array; y: Float32Array; batch: number; side: number; targets?: Float32Array };
}

/** Dense crops or Topaz patches, as the parameters say. */
export function makeBatchSource(p: TrainParams, train: readonly LabelledMicrograph[], method: LossSettings['method'],
  receptiveField: number, outputSize: (crop: number) => number, rng: Random): BatchSource {
  if (p.family === 'yolo') {
    // anchors in working-grid pixels, through the plan's frame of the training micrographs
    const ds = (v: number): number => lengthInFrame(v, ORIGINAL_FRAME, train[0]?.frame ?? fileFrame(p.downsample));
    const s = new YoloSampler(train, {
      side: p.cropSize, stride: gridStride({ passthrough: p.passthrough }), anchor: ds(p.particleDiameter as number), boxSize: ds(p.particleDiameter as number), balance: 0.5, augment: true,
    }, rng);
    return { next: () => ({ ...s.sample(p.cropsPerStep), batch: p.cropsPerStep, side: p.cropSize }) };
  }
  if (p.mode === 'dense') {
    const out = outputSize(p.cropSize);
    const s = new DenseSampler(train, { crop: p.cropSize, out, offset: (p.cropSize - out) >> 1, balance: 0.5, augment: true }, rng);
    return { next: () => ({ ...s.sample(p.cropsPerStep), batch: p.cropsPerStep, side: p.cropSize }) };
  }
  const s = new PatchSampler(train, { size: receptiveField, balance: p.balance, excludeLabelled: method !== 'PU', augment: true }, rng);
  return { next: () => ({ ...s.sample(p.minibatchSize), batch: p.minibatchSize, side: receptiveField }) };
}
