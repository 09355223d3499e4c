// Defaults of self-training that `cryopick train --help` shows; kept apart from self-train.ts, which
// loads the trainer, so that declaring the command stays cheap.

/** Epochs of each round's fine-tuning unless --epochs is given: 3 × 40 updates, as measured (BENCHMARKS.md, self-training). */
export const SELF_TRAIN_EPOCHS = 3;

/** Of the picks at or above the round's threshold, this highest-scoring fraction becomes labels (default). */
export const DEFAULT_SELF_TRAIN_FRACTION = 0.5;
