// Public surface of cross-validation, hyperparameter search and the config-driven training
// pipeline (re-exports only).
export { runTrainPipeline, withBaseLr } from './pipeline.js';
export type { PipelineOptions, PipelineResult } from './pipeline.js';
export { crossValidate, validateCv } from './crossval.js';
export type { CrossValidateOptions, CrossValidateResult } from './crossval.js';
export { runSearch, readSearchState } from './search.js';
export type { Objective, SearchOptions, SearchResult, TrialOutcome } from './search.js';
export { randomSearch } from './random-search.js';
export { bayesianOptimization } from './bayesian.js';
export type { BayesianOptions } from './bayesian.js';
export { hyperband, hyperbandSchedule, hyperbandBudget } from './hyperband.js';
export type { HyperbandOptions, Bracket, Rung } from './hyperband.js';
export { fitGp, matern52, expectedImprovement } from './gp.js';
export { searchSpaceSchema, paramSpecSchema, sampleSpace, fromUnit, toUnit } from './space.js';
export type { SearchSpace, ParamSpec, ParamSet, ParamValue } from './space.js';
export type { TrialRecord, TrialRequest, Strategy, Direction } from './trial.js';
export { assignFolds, cvValues } from './folds.js';
export { pipelineConfigSchema } from './config-schema.js';
export type { PipelineConfig, PipelineConfigInput } from './config-schema.js';
export { loadPipelineConfig, parsePipelineConfig } from './config-load.js';
export { renderConfigTemplate, pipelineJsonSchema } from './config-template.js';
export { EventFileWriter, decodeScalarEvents } from './tfevents.js';
export { createRunFolder } from './tracker.js';
export type { RunFolder } from './tracker.js';
export { buildDatasetManifest } from './manifest.js';
export type { DatasetManifest } from './manifest.js';
export { evaluateTestSet, confusionAtThreshold } from './test-eval.js';
export type { TestEvaluation, ConfusionMatrix } from './test-eval.js';
