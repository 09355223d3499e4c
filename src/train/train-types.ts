// Public types of trainPicker: options (hooks for progress, cancellation, schedules, early
// stopping, held-out evaluation) and results.
import type { Image2D } from '../image/image.js';
import type { LrScheduler } from './lr-schedule.js';

/** Metrics of one finished epoch (test values only with a test split). */
export interface EpochMetrics {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Learning rate of the epoch's last step. */
  readonly lr: number;
  readonly trainLoss: number;
  readonly trainPrecision: number;
  readonly gePenalty?: number;
  readonly testLoss?: number;
  readonly precision?: number;
  readonly adjustedPrecision?: number;
  readonly tpr?: number;
  readonly fpr?: number;
  readonly auprc?: number;
  /** Particle-level AP of the picks on the test split (when the particle diameter is known). */
  readonly particleAp?: number;
  /** AUPRC on `TrainOptions.heldOut` (cross-validation / tuning). */
  readonly heldOutAuprc?: number;
  /** Particle-level AP on `TrainOptions.heldOut` (when the particle diameter is known). */
  readonly heldOutParticleAp?: number;
  readonly heldOutLoss?: number;
  /** Wall seconds since training started. */
  readonly seconds: number;
}

export interface TrainProgress {
  readonly phase: 'load' | 'train' | 'evaluate' | 'export';
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Running mean training loss of the epoch. */
  readonly loss?: number;
  readonly stepsPerSecond?: number;
  readonly message?: string;
}

export interface EarlyStopping {
  readonly patience: number;
  readonly restoreBest: boolean;
  readonly monitor?: 'testLoss' | 'auprc' | 'heldOutAuprc' | 'heldOutParticleAp';
}

export interface TrainOptions {
  /** Output folder: model.onnx, checkpoints/, results.tsv/.jsonl, epochs.jsonl, plots, summary.json. */
  readonly outDir: string;
  readonly overwrite?: boolean;
  /**
   * Continue the interrupted run in outDir from its last finished epoch (same parameters; the
   * thread count may differ). The result equals an uninterrupted run's.
   */
  readonly resume?: boolean;
  /** Abort = finish the current step, export the best model so far, write results, resolve. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrainProgress) => void;
  /** Notices for the user (PN switch, no test split, ...). */
  readonly onMessage?: (text: string) => void;
  /** Per-step learning rate (tune's schedules); overrides learningRate/finalLearningRate. */
  readonly lrScheduler?: (stepsPerEpoch: number) => LrScheduler;
  readonly earlyStopping?: EarlyStopping;
  /** Extra micrographs scored every epoch (never trained on), e.g. a cross-validation fold. */
  readonly heldOut?: { readonly micrographs: readonly string[]; readonly picks: readonly string[] };
  /** Write plots (default true). */
  readonly plots?: boolean;
  /** Micrograph reader (default strict readMicrograph; `cryopick train --permissive` passes micrographReader(true, …)). */
  readonly readImage?: (path: string) => Promise<Image2D>;
}

export interface TrainResult {
  readonly modelPath: string;
  readonly outDir: string;
  /** 1-based epoch exported as the model (0 when interrupted before the first epoch ended). */
  readonly bestEpoch: number;
  readonly epochs: readonly EpochMetrics[];
  readonly diagnostics: readonly string[];
  readonly interrupted: boolean;
  readonly stoppedEarly: boolean;
  readonly method: string;
  readonly pi: number;
  readonly seconds: number;
}
