// Public API of the trainer (re-exports only).
export { trainPicker, batchPrecision } from './trainer.js';
export {
  TrainParamsSchema, TRAIN_DEFAULTS, parseTrainParams, combinationProblems, effectiveSlack, ARCHITECTURES, LOSSES, RECEPTIVE_FIELD,
} from './params.js';
export type { TrainParams, TrainParamsInput, Architecture, LossMethod } from './params.js';
export type { TrainOptions, TrainResult, EpochMetrics, TrainProgress, EarlyStopping } from './train-types.js';
export { computePi, diskArea, decidePrior } from './pi.js';
export type { PriorDecision } from './pi.js';
export { trainPreprocessParams } from './preprocess-config.js';
export { pixelMetrics } from './metrics.js';
export type { PixelMetrics } from './metrics.js';
export { referenceLoss, binomialLogPmf } from './loss-reference.js';
export type { LossSettings } from './loss-reference.js';
export { modelMetadata } from './finish.js';
