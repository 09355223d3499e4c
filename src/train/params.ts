// The training parameter set of `cryopick train` (Topaz Train + cryoSPARC Deep Picker options):
// one zod schema with the defaults, and a parser that reports every problem at once,
// including the forbidden architecture combinations, before any work starts.
import { z } from 'zod';
import { ParameterError, type ConfigProblem } from '../errors.js';
import { PASSTHROUGHS } from '../models/yolo/spec.js';
import { FINETUNE_EPOCHS } from './fine-tune-defaults.js';

export const ARCHITECTURES = ['resnet8', 'resnet16', 'conv31', 'conv63', 'conv127'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];
export const LOSSES = ['GE-binomial', 'GE-KL', 'PN', 'PU'] as const;
export type LossMethod = (typeof LOSSES)[number];
export const FAMILIES = ['topaz', 'yolo'] as const;
export type Family = (typeof FAMILIES)[number];

/** Receptive field in (downsampled) pixels of each architecture. */
export const RECEPTIVE_FIELD: Readonly<Record<Architecture, number>> = {
  resnet8: 71, resnet16: 91, conv31: 31, conv63: 63, conv127: 127,
};

const pos = () => z.number().positive();
const nonneg = () => z.number().min(0);
const int = () => z.number().int();

export const TrainParamsSchema = z.object({
  // data
  micrographs: z.array(z.string().min(1)).min(1, 'give at least one micrograph (file or folder)'),
  picks: z.array(z.string().min(1)).min(1, 'give at least one coordinate file with the training picks'),
  picksBinning: pos().default(1),
  /** Known negatives: coordinate files of background, carbon, ice or junk (same binning as the picks). */
  negatives: z.array(z.string().min(1)).default([]),
  /** Micrographs without particles (names, files, or .txt lists): every pixel a known negative. */
  emptyMicrographs: z.array(z.string().min(1)).default([]),
  testMicrographs: z.array(z.string().min(1)).default([]),
  testFraction: z.number().min(0).max(0.9).default(0.2),
  particleDiameter: pos().optional(),
  // preprocessing
  downsample: z.number().min(1).default(4),
  normalize: z.enum(['gmm', 'standard', 'none']).default('gmm'),
  pixelSampling: int().min(1).default(10),
  normIters: int().min(1).default(100),
  lowpass: z.number().min(0).max(1).default(0),
  invert: z.boolean().default(false),
  // model
  model: z.enum(ARCHITECTURES).default('resnet8'),
  units: int().min(1).default(32),
  dropout: z.number().min(0).lt(1).default(0),
  batchNorm: z.boolean().default(true),
  pooling: z.enum(['none', 'max', 'average']).default('none'),
  unitScaling: int().min(1).default(2),
  encoderUnits: int().min(1).default(32),
  init: z.string().min(1).optional(),
  /** topaz: per-pixel positive-unlabelled classifier; yolo: crYOLO's box detector (yolo-params in README). */
  family: z.enum(FAMILIES).default('topaz'),
  /** yolo: upsample (PhosaurusNet, grid stride 16) or reorg (YOLOv2 space-to-depth, stride 32). */
  passthrough: z.enum(PASSTHROUGHS).default('upsample'),
  /**
   * yolo: filters × this (1 = the paper's network). Default ×0.5, the fastest width within 0.02 of
   * ×1's validation AP (EMPIAR-10028 valid: ×0.25 0.809, ×0.5 0.846, ×1 0.834; BENCHMARKS.md, yolo).
   */
  widthMultiplier: z.number().positive().max(4).default(0.5),
  /** yolo loss weights: object cells, empty cells, coordinates (crYOLO 5, 1, 1). */
  objectWeight: nonneg().default(5),
  noObjectWeight: nonneg().default(1),
  coordWeight: nonneg().default(1),
  /** yolo: epochs at the start in which box sizes are not learned. */
  warmupEpochs: int().min(0).default(1),
  /** yolo: crYOLO's input size: the downsampling factor makes the training micrographs' short side this many pixels (a multiple of 32; replaces --downsample). */
  inputSize: int().min(32).optional(),
  /** yolo, with inputSize: crYOLO's patch mode, the micrograph as patches × patches tiles of the input size (short side = patches × inputSize). */
  patches: int().min(1).default(1),
  /** yolo: YOLOv2's rescore, object cells learn the IoU of their predicted box as confidence (off: 1). On by default for yolo (set in the parser): valid AP 0.809 vs 0.739 on EMPIAR-10028, 0.484 vs 0.447 on EMPIAR-10059 (BENCHMARKS.md). */
  rescore: z.boolean().default(false),
  /** yolo: crYOLO's ignore rule, empty cells whose predicted box overlaps a true box by this IoU or more are not penalised (1 = off). */
  ignoreIou: z.number().gt(0).max(1).default(1),
  /** yolo: decay of the moving average of the weights that is evaluated and exported (0 = off, the trained weights themselves). */
  weightAverage: z.number().min(0).lt(1).default(0),
  // objective
  loss: z.enum(LOSSES).default('GE-binomial'),
  slack: z.number().refine((v) => v === -1 || v >= 0, 'must be -1 (the method default) or >= 0').default(-1),
  autoencoderWeight: nonneg().default(0),
  l2: nonneg().default(0),
  /** Required by the topaz family (the PU class prior); the yolo family does not use it. */
  expectedParticles: z.number({ error: () => 'must be a number' }).positive().optional(),
  radius: int().min(0).default(3),
  /** Radius of a negative pick's disk, downsampled pixels (default: the labelling radius). */
  negativeRadius: int().min(0).optional(),
  /** γ: known negatives add γ·(1−π)·BCE(N,0) (PN, PU) or γ·BCE(N,0) (GE) to the objective. */
  negativeWeight: nonneg().default(1),
  balance: z.number().min(0).lt(1).default(0.0625),
  classWeight: pos().default(1),
  // optimisation
  /** Default 1e-3 decaying to 1e-4 in dense mode (measured, BENCHMARKS.md), Topaz's constant 2e-4 in patch mode. */
  learningRate: pos().optional(),
  finalLearningRate: pos().optional(),
  minibatchSize: int().min(1).default(256),
  epochs: int().min(1).default(10),
  /** Updates per epoch; default 1000 in patch mode (Topaz) and 40 in dense mode (each step sees ~300× more labels). */
  epochSize: int().min(1).optional(),
  mode: z.enum(['dense', 'patch']).default('dense'),
  cropSize: int().min(32).default(192),
  cropsPerStep: int().min(1).default(2),
  /** auprc and precision are pixel metrics (Topaz); ap is the particle AP of the picks (needs particleDiameter). */
  selectMetric: z.enum(['auprc', 'precision', 'ap']).default('auprc'),
  threads: int().min(0).default(0),
  seed: int().min(0).default(0),
});

export type TrainParamsInput = z.input<typeof TrainParamsSchema>;
/** Validated parameters with every default filled (epochSize and the learning rates resolved from the mode). */
export type TrainParams = Omit<z.output<typeof TrainParamsSchema>, 'epochSize' | 'learningRate'> & { readonly epochSize: number; readonly learningRate: number };

type Mode = 'dense' | 'patch';
type ModeDependent = Pick<TrainParams, 'epochSize' | 'learningRate' | 'finalLearningRate'>;

/** Default updates per epoch of the yolo family. */
export const YOLO_EPOCH_SIZE = 80;

/** Default updates per epoch for a training mode. */
export function defaultEpochSize(mode: Mode): number {
  return mode === 'dense' ? 40 : 1000;
}

/**
 * The defaults that depend on the mode, for the values not given. Patch mode keeps Topaz's
 * (1000 updates per epoch, constant lr 2e-4). Dense mode uses the schedule measured on validation
 * data (BENCHMARKS.md): 40 updates per epoch, lr 1e-3 decaying linearly to 1e-4, unless a
 * learning rate is given (then it stays constant unless a final one is given too).
 */
export function modeDefaults(given: { readonly [K in keyof ModeDependent]?: ModeDependent[K] | undefined }, mode: Mode): ModeDependent {
  const decay = mode === 'dense' && given.learningRate === undefined ? 1e-4 : undefined;
  const finalLearningRate = given.finalLearningRate ?? decay;
  return {
    epochSize: given.epochSize ?? defaultEpochSize(mode),
    learningRate: given.learningRate ?? (mode === 'dense' ? 1e-3 : 2e-4),
    ...(finalLearningRate === undefined ? {} : { finalLearningRate }),
  };
}

/** Every default (fields without a default, like expectedParticles, are absent). */
export const TRAIN_DEFAULTS: Readonly<Partial<TrainParams>> = buildDefaults();

function buildDefaults(): Partial<TrainParams> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(TrainParamsSchema.shape)) {
    const r = (field as z.ZodType).safeParse(undefined);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  Object.assign(out, modeDefaults({}, out['mode'] as Mode));
  return out as Partial<TrainParams>;
}

/** Conflicts between otherwise valid parameters (architecture rules of Topaz/cryoSPARC). */
export function combinationProblems(p: Pick<TrainParams, 'model' | 'pooling' | 'autoencoderWeight' | 'dropout'>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const resnet = p.model.startsWith('resnet');
  if (resnet && p.pooling === 'average') {
    out.push({ path: 'pooling', message: `average pooling is not available for ${p.model}; use --pooling none or max, or a conv model` });
  }
  if (resnet && p.autoencoderWeight > 0) {
    out.push({ path: 'autoencoderWeight', message: `the autoencoder cannot be used with ${p.model}; set --autoencoder-weight 0 or use a conv model` });
  }
  if (!resnet && p.pooling === 'max') {
    out.push({ path: 'pooling', message: `max pooling is not available for ${p.model}; use --pooling none or average, or a resnet` });
  }
  if (!resnet && p.dropout > 0) {
    out.push({ path: 'dropout', message: `dropout is not available for ${p.model}; set --dropout 0 or use a resnet` });
  }
  return out;
}

/**
 * Validates raw parameters (CLI or config) and fills the defaults.
 * @throws ParameterError listing every problem: schema errors and forbidden combinations together.
 */
export function parseTrainParams(input: unknown): TrainParams {
  const r = TrainParamsSchema.safeParse(input);
  const problems: ConfigProblem[] = [];
  if (!r.success) {
    for (const iss of r.error.issues) problems.push({ path: iss.path.join('.'), message: iss.message });
  }
  // Check combinations even when other fields failed, so the user sees every conflict at once.
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const pick = <T>(k: string, d: T, ok: (v: unknown) => boolean): T => (ok(raw[k]) ? (raw[k] as T) : d);
  const combo = combinationProblems({
    model: pick<Architecture>('model', 'resnet8', (v) => (ARCHITECTURES as readonly unknown[]).includes(v)),
    pooling: pick<'none' | 'max' | 'average'>('pooling', 'none', (v) => v === 'none' || v === 'max' || v === 'average'),
    autoencoderWeight: pick<number>('autoencoderWeight', 0, (v) => typeof v === 'number'),
    dropout: pick<number>('dropout', 0, (v) => typeof v === 'number'),
  });
  problems.push(...combo);
  const yolo = raw['family'] === 'yolo';
  if (!yolo && raw['expectedParticles'] === undefined) {
    problems.push({ path: 'expectedParticles', message: 'required: the expected number of particles per micrograph (e.g. --expected-particles 300); it sets the class prior π of the PU objective' });
  }
  if (yolo && raw['particleDiameter'] === undefined) {
    problems.push({ path: 'particleDiameter', message: 'the yolo family needs the particle diameter (--particle-diameter-px or -a): it is the anchor box size' });
  }
  if (yolo && typeof raw['cropSize'] === 'number' && raw['cropSize'] % 32 !== 0) {
    problems.push({ path: 'cropSize', message: `the yolo family needs a crop size that is a multiple of 32, got ${raw['cropSize']}` });
  }
  if (raw['inputSize'] !== undefined && !yolo) {
    problems.push({ path: 'inputSize', message: 'the input size is the yolo family\'s (crYOLO); the topaz family scales micrographs with --downsample' });
  }
  if (typeof raw['inputSize'] === 'number' && raw['inputSize'] % 32 !== 0) {
    problems.push({ path: 'inputSize', message: `must be a multiple of 32 (the network's total stride), got ${raw['inputSize']}` });
  }
  if (raw['inputSize'] !== undefined && raw['downsample'] !== undefined) {
    problems.push({ path: 'inputSize', message: 'give either --input-size (the factor follows from the micrographs\' short side) or --downsample, not both' });
  }
  if (raw['rescore'] === true && !yolo) {
    problems.push({ path: 'rescore', message: 'rescore is the yolo family\'s confidence target; the topaz family has no boxes' });
  }
  if (typeof raw['ignoreIou'] === 'number' && raw['ignoreIou'] < 1 && !yolo) {
    problems.push({ path: 'ignoreIou', message: 'the ignore rule belongs to the yolo family\'s loss; the topaz family has no boxes' });
  }
  if (typeof raw['weightAverage'] === 'number' && raw['weightAverage'] > 0 && !yolo) {
    problems.push({ path: 'weightAverage', message: 'the weight average is the yolo family\'s; the topaz family exports the trained weights of its best epoch' });
  }
  if (typeof raw['patches'] === 'number' && raw['patches'] > 1 && raw['inputSize'] === undefined) {
    problems.push({ path: 'patches', message: 'patch mode tiles the micrograph into patches of the input size: give --input-size too' });
  }
  if (raw['selectMetric'] === 'ap' && raw['particleDiameter'] === undefined && !yolo) {
    problems.push({ path: 'selectMetric', message: 'ap (particle-level average precision) needs the particle diameter: set particleDiameter (--particle-diameter-px)' });
  }
  if (problems.length > 0 || !r.success) throw new ParameterError(problems, 'invalid training parameters');
  const p: TrainParams = {
    ...r.data, ...modeDefaults(r.data, r.data.mode),
    // fine-tuning (--init) starts from a trained network: a few epochs, unless the user asks for more
    ...(raw['init'] !== undefined && raw['epochs'] === undefined ? { epochs: FINETUNE_EPOCHS } : {}),
    // yolo: the epoch is chosen by the particle AP of the boxes; 80 updates per epoch (its validation AP still rose after 10 × 40 on EMPIAR-10028 and -10059, BENCHMARKS.md)
    ...(yolo && raw['selectMetric'] === undefined ? { selectMetric: 'ap' as const } : {}),
    ...(yolo && raw['epochSize'] === undefined ? { epochSize: YOLO_EPOCH_SIZE } : {}),
    // yolo: rescore on (valid AP with / without it: EMPIAR-10028 0.809 / 0.739, EMPIAR-10059 0.484 / 0.447; BENCHMARKS.md)
    ...(yolo && raw['rescore'] === undefined ? { rescore: true } : {}),
  };
  const rf = RECEPTIVE_FIELD[p.model];
  if (!yolo && p.mode === 'dense' && p.cropSize < rf + 8) {
    throw new ParameterError([{ path: 'cropSize', message: `must be at least the receptive field of ${p.model} plus 8 (${rf + 8} px), got ${p.cropSize}` }], 'invalid training parameters');
  }
  return p;
}

/** The slack actually used: -1 means the method's default (GE-KL 10, GE-binomial 1). */
export function effectiveSlack(loss: LossMethod, slack: number): number {
  if (slack >= 0) return slack;
  return loss === 'GE-KL' ? 10 : 1;
}
