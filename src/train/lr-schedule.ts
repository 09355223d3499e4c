// Learning-rate schedules: pure functions of the global batch index (and epoch), plus the one
// stateful schedule (reduce-on-plateau). Formulas follow ../shared/design/pipeline.md §1.7
// (Keras ReduceLROnPlateau, Smith's cyclic LR, Loshchilov & Hutter's SGDR).
import { z } from 'zod';

/** The zod definition of every schedule; `kind` discriminates. Used by train params and configs. */
export const lrScheduleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('constant'),
    lr: z.number().positive().describe('learning rate for every step'),
  }).strict(),
  z.object({
    kind: z.literal('step'),
    lr: z.number().positive().describe('initial learning rate'),
    gamma: z.number().positive().max(1).default(0.1).describe('factor applied every stepEpochs epochs'),
    stepEpochs: z.number().int().positive().default(10).describe('epochs between drops'),
  }).strict(),
  z.object({
    kind: z.literal('exponential'),
    lr: z.number().positive().describe('initial learning rate'),
    gamma: z.number().positive().max(1).default(0.95).describe('factor applied after every epoch'),
  }).strict(),
  z.object({
    kind: z.literal('linear'),
    initialLr: z.number().positive().describe('learning rate of the first step (cryoSPARC Deep Picker "initial learning rate")'),
    finalLr: z.number().nonnegative().describe('learning rate of the last step of the last epoch'),
    totalEpochs: z.number().int().positive().describe('epochs over which the rate moves from initialLr to finalLr'),
  }).strict(),
  z.object({
    kind: z.literal('plateau'),
    lr: z.number().positive().describe('initial learning rate'),
    factor: z.number().positive().lt(1).default(0.5).describe('multiplier applied when the validation loss stalls'),
    patience: z.number().int().nonnegative().default(5).describe('epochs without improvement before reducing'),
    minLr: z.number().nonnegative().default(1e-6).describe('floor of the learning rate'),
    minDelta: z.number().nonnegative().default(1e-4).describe('an improvement must beat the best loss by more than this'),
    cooldown: z.number().int().nonnegative().default(0).describe('epochs to wait after a reduction before counting again'),
  }).strict(),
  z.object({
    kind: z.literal('cyclic'),
    baseLr: z.number().positive().default(1e-3).describe('lower bound of the cycle'),
    maxLr: z.number().positive().default(5e-2).describe('upper bound of the cycle'),
    stepSizeFactor: z.number().positive().default(8).describe('half-cycle length in epochs (S = stepsPerEpoch × this)'),
    mode: z.enum(['triangular', 'triangular2', 'exp_range']).default('triangular2'),
    gamma: z.number().positive().max(1).default(0.99994).describe('exp_range: amplitude × gamma^step'),
  }).strict(),
  z.object({
    kind: z.literal('sgdr'),
    minLr: z.number().nonnegative().default(1e-3).describe('rate at the end of each cycle'),
    maxLr: z.number().positive().default(2e-3).describe('rate at the start of the first cycle'),
    lrDecay: z.number().positive().max(1).default(0.9).describe('peak multiplier after every restart'),
    cycleLength: z.number().int().positive().default(5).describe('first cycle length in epochs'),
    multFactor: z.number().positive().default(1.5).describe('cycle length multiplier (rounded up) after every restart'),
  }).strict(),
]);

export type LrScheduleConfig = z.output<typeof lrScheduleSchema>;
export type LrScheduleKind = LrScheduleConfig['kind'];

/** lr × gamma^⌊epoch / stepEpochs⌋. */
export function stepDecayLr(lr: number, gamma: number, stepEpochs: number, epoch: number): number {
  return lr * Math.pow(gamma, Math.floor(epoch / stepEpochs));
}

/** lr × gamma^epoch. */
export function exponentialLr(lr: number, gamma: number, epoch: number): number {
  return lr * Math.pow(gamma, epoch);
}

/** Linear from `initialLr` at step 0 to `finalLr` at step totalSteps−1, then held at finalLr. */
export function linearLr(initialLr: number, finalLr: number, totalSteps: number, step: number): number {
  if (totalSteps <= 1) return step <= 0 ? initialLr : finalLr;
  const t = Math.min(1, Math.max(0, step / (totalSteps - 1)));
  return initialLr + (finalLr - initialLr) * t;
}

/**
 * Smith's cyclic learning rate for global batch index `step` (0-based; the first batch gets baseLr).
 * cycle = ⌊1 + step/(2S)⌋, x = |step/S − 2·cycle + 1|, lr = base + (max − base)·max(0, 1 − x)·scale,
 * scale = 1 (triangular), 1/2^(cycle−1) (triangular2) or gamma^step (exp_range). Unlike Capfinder,
 * exp_range keeps the base + amplitude form (Capfinder's precedence bug returned gamma^step alone).
 */
export function cyclicLr(baseLr: number, maxLr: number, stepSize: number, mode: 'triangular' | 'triangular2' | 'exp_range', gamma: number, step: number): number {
  const cycle = Math.floor(1 + step / (2 * stepSize));
  const x = Math.abs(step / stepSize - 2 * cycle + 1);
  let scale: number;
  switch (mode) {
    case 'triangular': scale = 1; break;
    case 'triangular2': scale = 1 / Math.pow(2, cycle - 1); break;
    case 'exp_range': scale = Math.pow(gamma, step); break;
    default: { const never: never = mode; throw new TypeError(`unknown cyclic mode ${String(never)}`); }
  }
  return baseLr + (maxLr - baseLr) * Math.max(0, 1 - x) * scale;
}

/** Where an epoch lies in SGDR's cycles: the cycle index, its first epoch and its length. */
export function sgdrCycle(cycleLength: number, multFactor: number, epoch: number): { cycle: number; startEpoch: number; length: number } {
  let start = 0;
  let length = cycleLength;
  let cycle = 0;
  while (epoch >= start + length) {
    start += length;
    length = Math.ceil(length * multFactor);
    cycle += 1;
  }
  return { cycle, startEpoch: start, length };
}

/**
 * SGDR (cosine annealing with warm restarts) for global batch index `step`:
 * b = batches since the last restart, lr = min + ½(peak − min)(1 + cos(π b / (spe · cycleLength))),
 * peak = maxLr · lrDecay^cycle; a restart happens at the end of every cycle, after which the cycle
 * length becomes ⌈length × multFactor⌉ (5, 8, 12, 18, 27, … for 5 and 1.5).
 */
export function sgdrLr(minLr: number, maxLr: number, lrDecay: number, cycleLength: number, multFactor: number, stepsPerEpoch: number, step: number): number {
  const epoch = Math.floor(step / stepsPerEpoch);
  const { cycle, startEpoch, length } = sgdrCycle(cycleLength, multFactor, epoch);
  const b = step - startEpoch * stepsPerEpoch;
  const peak = maxLr * Math.pow(lrDecay, cycle);
  return minLr + 0.5 * (peak - minLr) * (1 + Math.cos((Math.PI * b) / (stepsPerEpoch * length)));
}

/** Serialisable state of a scheduler (only reduce-on-plateau has any), for checkpoints. */
export interface LrSchedulerState {
  readonly lr: number;
  readonly best: number;
  readonly wait: number;
  readonly cooldownLeft: number;
}

/** What a training loop uses: the rate for each batch, and a hook after each validated epoch. */
export interface LrScheduler {
  readonly config: LrScheduleConfig;
  /** Learning rate for the batch with 0-based global index `step` (not reset per epoch). */
  lrAt(step: number): number;
  /** Reports the validation loss after epoch `epoch` (0-based); only reduce-on-plateau reacts. */
  endEpoch(epoch: number, valLoss: number): void;
  /** State to store in a checkpoint; pass it back to {@link createLrScheduler} to resume. */
  state(): LrSchedulerState | undefined;
}

/**
 * Builds a scheduler from its config. `stepsPerEpoch` converts epochs to batches (cyclic, SGDR,
 * linear, step). Throws RangeError for stepsPerEpoch < 1.
 */
export function createLrScheduler(config: LrScheduleConfig, stepsPerEpoch: number, resume?: LrSchedulerState): LrScheduler {
  if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch >= 1)) throw new RangeError(`stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  const epochOf = (step: number): number => Math.floor(step / stepsPerEpoch);
  const pure = (f: (step: number) => number): LrScheduler => ({ config, lrAt: f, endEpoch: () => undefined, state: () => undefined });
  switch (config.kind) {
    case 'constant': return pure(() => config.lr);
    case 'step': return pure((s) => stepDecayLr(config.lr, config.gamma, config.stepEpochs, epochOf(s)));
    case 'exponential': return pure((s) => exponentialLr(config.lr, config.gamma, epochOf(s)));
    case 'linear': return pure((s) => linearLr(config.initialLr, config.finalLr, config.totalEpochs * stepsPerEpoch, s));
    case 'cyclic': return pure((s) => cyclicLr(config.baseLr, config.maxLr, stepsPerEpoch * config.stepSizeFactor, config.mode, config.gamma, s));
    case 'sgdr': return pure((s) => sgdrLr(config.minLr, config.maxLr, config.lrDecay, config.cycleLength, config.multFactor, stepsPerEpoch, s));
    case 'plateau': return new PlateauScheduler(config, resume);
    default: { const never: never = config; throw new TypeError(`unknown schedule ${JSON.stringify(never)}`); }
  }
}

type PlateauConfig = Extract<LrScheduleConfig, { kind: 'plateau' }>;

/**
 * Keras ReduceLROnPlateau (mode min): an epoch improves when loss < best − minDelta; after
 * `patience` epochs without improvement lr ← max(lr·factor, minLr), the wait counter resets and
 * `cooldown` epochs pass before counting again.
 */
export class PlateauScheduler implements LrScheduler {
  readonly config: PlateauConfig;
  private lr: number;
  private best: number;
  private wait: number;
  private cooldownLeft: number;

  constructor(config: PlateauConfig, resume?: LrSchedulerState) {
    this.config = config;
    this.lr = resume?.lr ?? config.lr;
    this.best = resume?.best ?? Number.POSITIVE_INFINITY;
    this.wait = resume?.wait ?? 0;
    this.cooldownLeft = resume?.cooldownLeft ?? 0;
  }

  lrAt(): number {
    return this.lr;
  }

  endEpoch(_epoch: number, valLoss: number): void {
    if (this.cooldownLeft > 0) {
      this.cooldownLeft -= 1;
      this.wait = 0;
    }
    if (valLoss < this.best - this.config.minDelta) {
      this.best = valLoss;
      this.wait = 0;
      return;
    }
    if (this.cooldownLeft > 0) return;
    this.wait += 1;
    if (this.wait >= this.config.patience && this.lr > this.config.minLr) {
      this.lr = Math.max(this.lr * this.config.factor, this.config.minLr);
      this.cooldownLeft = this.config.cooldown;
      this.wait = 0;
    }
  }

  state(): LrSchedulerState {
    return { lr: this.lr, best: this.best, wait: this.wait, cooldownLeft: this.cooldownLeft };
  }
}

/** Parses and fills defaults of a schedule config; throws zod's error (callers map it to ConfigError). */
export function parseLrSchedule(input: unknown): LrScheduleConfig {
  return lrScheduleSchema.parse(input);
}
