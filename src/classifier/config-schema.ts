// The `cryopick train-classifier --config` file: Capfinder's sections and fields (pipeline.md §1.2)
// with the same meanings and defaults, validated by one zod definition that also renders the
// template. Additions: etl_params.seed (the split seed) and etl_params.particles (2-D crops).
import { z } from 'zod';

export const MODEL_TYPES_1D = ['attention_cnn_lstm', 'cnn_lstm', 'encoder', 'resnet'] as const;
export const MODEL_TYPES_2D = ['resnet', 'deeppicker', 'deepem'] as const;
export const MODEL_TYPES = ['attention_cnn_lstm', 'cnn_lstm', 'encoder', 'resnet', 'deeppicker', 'deepem'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

const fraction = z.number().gt(0).lt(1);
const project = (d: string, what: string) => z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').default(d)
  .describe(`name of the local experiment folder for ${what} (Capfinder: a Comet project); TensorBoard events go there`);

export const particleSourceSchema = z.object({
  micrographs: z.array(z.string().min(1)).min(1).describe('micrograph files or folders (MRC/TIFF)'),
  coordinates: z.array(z.string().min(1)).min(1).describe('coordinate files (STAR, BOX, CSV...) of labelled particles'),
  class_column: z.string().min(1).default('class').describe('column holding each particle\'s class (e.g. rlnClassNumber, or "kept"/"rejected"); files without it take their class from class_from_file'),
  class_from_file: z.record(z.string(), z.string()).default({}).describe('coordinate file name → class, for files that hold one class each (e.g. {"junk.star": "junk"})'),
  box_size: z.number().int().min(8).max(512).default(64).describe('crop size in pixels after downsampling'),
  downsample: z.number().int().min(1).max(16).default(1).describe('Fourier-crop downsampling factor of the micrographs before cropping'),
  negatives: z.object({
    class: z.string().min(1).default('background').describe('class name of the sampled background windows'),
    per_micrograph: z.number().int().positive().nullable().default(null).describe('windows per micrograph; null = as many as the micrograph has labelled picks'),
    min_distance: z.number().gt(0).max(4).default(0.6).describe('smallest distance to every labelled pick, as a fraction of the window (box_size × downsample); DeepPicker 0.6'),
  }).strict().optional().describe('DeepPicker\'s negative sampling: background windows at random places away from every pick, as one more class'),
}).strict().describe('2-D particle crops instead of CSV signals: micrographs plus labelled coordinates');

export const etlSchema = z.object({
  use_remote_dataset_version: z.string().default('').describe('"" = build the dataset (or reuse the one these inputs and parameters made); a version string (or "latest") = load that local dataset version'),
  caps_data_dir: z.string().nullable().default('/dir/').describe('folder of per-class CSV files with columns read_id, cap_class, timeseries (null when particles is given)'),
  examples_per_class: z.number().int().positive().nullable().default(100000).describe('examples taken per class, at most the smallest class\'s size; null = the smallest class\'s size'),
  comet_project_name: project('dataset', 'the ETL'),
  seed: z.number().int().min(0).default(42).describe('seed of the per-class permutation that splits train / validation / test'),
  particles: particleSourceSchema.optional(),
}).strict().describe('ETL: inputs, balancing and the stored train / validation / test split');

export const tuneSchema = z.object({
  comet_project_name: project('capfinder_tune', 'tuning (the model type is appended)'),
  patience: z.number().int().min(0).default(0).describe('early-stopping patience (epochs without a better validation loss) inside every trial; 0 = stop at the first non-improving epoch'),
  max_epochs_hpt: z.number().int().positive().default(3).describe('epochs per trial (Hyperband: the most any configuration gets)'),
  max_trials: z.number().int().positive().default(5).describe('trials of random_search and bayesian_optimization (Hyperband\'s budget comes from max_epochs_hpt and factor)'),
  factor: z.number().int().min(2).default(2).describe('Hyperband reduction factor'),
  seed: z.number().int().min(0).default(42).describe('seed of the search'),
  tuning_strategy: z.enum(['hyperband', 'random_search', 'bayesian_optimization', 'none']).default('hyperband').describe('"none" skips tuning and trains with the space\'s default hyperparameters'),
  overwrite: z.boolean().default(false).describe('false = resume an earlier search with the same settings; true = start afresh'),
}).strict().describe('Hyperparameter search over the model type\'s space (objective: best validation accuracy of a trial)');

export const trainSchema = z.object({
  comet_project_name: project('capfinder_train', 'final training (the model type is appended)'),
  patience: z.number().int().min(0).default(120).describe('early stopping on validation loss (the best epoch is restored)'),
  max_epochs_final_model: z.number().int().positive().default(300),
}).strict().describe('Final training from scratch with the best hyperparameters');

export const sharedSchema = z.object({
  num_classes: z.number().int().min(2).default(4).describe('number of classes; must equal the classes found in the data'),
  model_type: z.enum(MODEL_TYPES).default('cnn_lstm').describe('signals: attention_cnn_lstm | cnn_lstm | encoder | resnet; particle crops: resnet | deeppicker | deepem'),
  batch_size: z.number().int().positive().default(32),
  target_length: z.number().int().min(8).default(500).describe('every series is centre-truncated or centre-zero-padded to this length'),
  dtype: z.enum(['float16', 'float32', 'float64']).default('float16').describe('storage type of the dataset and of the saved model\'s weights and input; computation is float32 on CPU'),
  train_test_fraction: fraction.default(0.95).describe('per class: share of the examples used for training + validation; the rest is the held-out test set'),
  train_val_fraction: fraction.default(0.8).describe('share of the training examples used for training; the rest is validation'),
  use_augmentation: z.boolean().default(false).describe('adds a squished and an expanded time-warped copy of every training example (3× training data)'),
  output_dir: z.string().min(1).default('/dir/').describe('root of dataset/, tuner_models/, the experiment folders and best_model/'),
  threads: z.number().int().min(0).default(0).describe('CPU threads for ONNX Runtime (0 = all cores)'),
}).strict().describe('Settings shared by the ETL, tuning and final training');

export const lrSchedulerSchema = z.object({
  type: z.enum(['reduce_lr_on_plateau', 'cyclic_lr', 'sgdr']).default('reduce_lr_on_plateau'),
  reduce_lr_on_plateau: z.object({
    factor: fraction.default(0.5), patience: z.number().int().min(0).default(5), min_lr: z.number().min(0).default(1e-6),
  }).strict().default({ factor: 0.5, patience: 5, min_lr: 1e-6 }).describe('starts at the tuned learning_rate'),
  cyclic_lr: z.object({
    base_lr: z.number().positive().default(1e-3), max_lr: z.number().positive().default(5e-2),
    step_size_factor: z.number().positive().default(8), mode: z.enum(['triangular', 'triangular2', 'exp_range']).default('triangular2'),
  }).strict().default({ base_lr: 1e-3, max_lr: 5e-2, step_size_factor: 8, mode: 'triangular2' }),
  sgdr: z.object({
    min_lr: z.number().min(0).default(1e-3), max_lr: z.number().positive().default(2e-3), lr_decay: z.number().gt(0).max(1).default(0.9),
    cycle_length: z.number().int().positive().default(5), mult_factor: z.number().positive().default(1.5),
  }).strict().default({ min_lr: 1e-3, max_lr: 2e-3, lr_decay: 0.9, cycle_length: 5, mult_factor: 1.5 }),
}).strict().describe('Learning-rate schedule of final training');

export const classifierConfigSchema = z.object({
  $schema: z.string().optional(),
  etl_params: etlSchema.default(etlSchema.parse({})),
  tune_params: tuneSchema.default(tuneSchema.parse({})),
  train_params: trainSchema.default(trainSchema.parse({})),
  shared_params: sharedSchema.default(sharedSchema.parse({})),
  lr_scheduler_params: lrSchedulerSchema.default(lrSchedulerSchema.parse({})),
  debug_code: z.boolean().default(false).describe('print stack traces of internal errors'),
}).strict();

export type ClassifierConfig = z.output<typeof classifierConfigSchema>;
export type ClassifierConfigInput = z.input<typeof classifierConfigSchema>;
