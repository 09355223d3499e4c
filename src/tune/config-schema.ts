// The single definition of a `cryopick train --config` file (Capfinder's shape, validated):
// sections data (ETL), tuning, training (final training), shared, lrScheduler. The template,
// the JSON Schema and the validator are all generated from this one zod definition.
import { z } from 'zod';
import { TrainParamsSchema } from '../train/params.js';
import { lrScheduleSchema } from '../train/lr-schedule.js';
import { searchSpaceSchema } from './space.js';

/** Train parameters that belong to the data/ETL section (everything else goes to `shared`). */
export const DATA_KEYS = ['micrographs', 'picks', 'negatives', 'emptyMicrographs', 'picksBinning', 'testMicrographs', 'testFraction', 'particleDiameter',
  'downsample', 'normalize', 'pixelSampling', 'normIters', 'lowpass', 'invert'] as const;
/** Train parameters owned by the final-training section. */
export const FINAL_KEYS = ['epochs'] as const;

const trainShape = TrainParamsSchema.shape;
type TrainShape = typeof trainShape;

const dataShape = Object.fromEntries(DATA_KEYS.map((k) => [k, trainShape[k]])) as { [K in (typeof DATA_KEYS)[number]]: TrainShape[K] };
const sharedShape = Object.fromEntries(Object.entries(trainShape).filter(([k]) => !(DATA_KEYS as readonly string[]).includes(k) && !(FINAL_KEYS as readonly string[]).includes(k))) as
  Omit<TrainShape, (typeof DATA_KEYS)[number] | (typeof FINAL_KEYS)[number]>;

export const dataSectionSchema = z.object({
  ...dataShape,
  splitSeed: z.number().int().min(0).default(0).describe('seed of the train/test split by micrograph'),
}).strict().describe('Data and ETL: inputs, preprocessing, and the held-out test split (by micrograph). Relative paths are relative to this config file.');

export const tuningSectionSchema = z.object({
  enabled: z.boolean().default(false).describe('run the hyperparameter search before final training'),
  strategy: z.enum(['random', 'bayesian', 'hyperband']).default('bayesian'),
  space: searchSpaceSchema.default({
    learningRate: { type: 'log-uniform', min: 1e-5, max: 1e-2 },
    expectedParticles: { type: 'int', min: 50, max: 500, step: 50, log: false },
  }).describe('parameter name → {type: uniform|log-uniform|int|choice, ...}; any numeric or choice training parameter'),
  maxTrials: z.number().int().positive().default(20).describe('trial budget of random and Bayesian search (Hyperband\'s budget comes from maxEpochs, factor and brackets)'),
  seed: z.number().int().min(0).default(42),
  epochsPerTrial: z.number().int().positive().default(3).describe('epochs of each random/Bayesian trial'),
  initialPoints: z.number().int().positive().optional().describe('Bayesian: random trials before the GP is used (default max(3·d, 3))'),
  acquisition: z.enum(['ei', 'ucb']).default('ei').describe('Bayesian: expected improvement or keras-tuner UCB'),
  beta: z.number().positive().default(2.6).describe('Bayesian UCB exploration weight'),
  maxEpochs: z.number().int().positive().default(9).describe('Hyperband R: most epochs any configuration gets'),
  factor: z.number().int().min(2).default(3).describe('Hyperband reduction factor η'),
  brackets: z.number().int().positive().optional().describe('Hyperband: run only the first N brackets (default all ⌊log_η R⌋+1)'),
  warmStart: z.boolean().default(true).describe('Hyperband: promoted configurations continue from their previous model'),
  validationFraction: z.number().gt(0).lt(1).default(0.25).describe('share of training micrographs held out to score trials'),
  patience: z.number().int().min(0).default(0).describe('early-stopping patience inside trials (0 = off)'),
  overwrite: z.boolean().default(false).describe('false: resume an earlier search in outputDir/tuning; true: start afresh'),
}).strict().describe('Hyperparameter search; the best parameters found override `shared` for final training.');

export const trainingSectionSchema = z.object({
  epochs: trainShape.epochs,
  patience: z.number().int().min(0).default(5).describe('early stopping: epochs without improvement of the monitor (0 = off)'),
  restoreBest: z.boolean().default(true).describe('export the best-monitor epoch rather than the last'),
  monitor: z.enum(['testLoss', 'auprc']).default('auprc').describe('metric on the validation split used for early stopping'),
  validationFraction: z.number().min(0).lt(1).default(0.2).describe('share of training micrographs used for validation / early stopping'),
  threshold: z.number().default(0).describe('score threshold (logit) for the test confusion matrix and P/R/F1'),
}).strict().describe('Final training with early stopping and the chosen learning-rate scheduler, then evaluation on the test split.');

export const sharedSectionSchema = z.object({
  ...sharedShape,
  outputDir: z.string().min(1).default('cryopick-runs').describe('root of run folders, the tuning state and the dataset manifest'),
  runName: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').optional().describe('run folder name (default: run-<UTC timestamp>)'),
}).strict().describe('Settings shared by tuning and final training (model, objective, optimiser, output).');

export const pipelineConfigSchema = z.object({
  $schema: z.string().optional().describe('path or URL of the JSON Schema (for editor completion); ignored by cryopick'),
  data: dataSectionSchema,
  tuning: tuningSectionSchema.default(tuningSectionSchema.parse({})),
  training: trainingSectionSchema.default(trainingSectionSchema.parse({})),
  shared: sharedSectionSchema,
  lrScheduler: lrScheduleSchema.default({ kind: 'plateau', lr: 2e-4, factor: 0.5, patience: 5, minLr: 1e-6, minDelta: 1e-4, cooldown: 0 })
    .describe('learning-rate schedule of final training: constant | step | exponential | linear | plateau | cyclic | sgdr'),
}).strict();

export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;

/** Training parameter names a search space may use (all except data paths and init). */
export function tunableParameters(): string[] {
  return Object.keys(trainShape).filter((k) => !['micrographs', 'picks', 'negatives', 'emptyMicrographs', 'testMicrographs', 'init'].includes(k));
}
