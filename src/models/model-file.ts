// The cryopick model-file schema: the metadata properties of a picker .onnx of either family
// (Topaz-style, YOLO), written by modelFileProperties and read back by readModelFile only
// (zod-checked, versioned; older versions keep loading).
import { z } from 'zod';
import { ConfigError, FormatError } from '../errors.js';
import { preprocessParamsSchema, type PreprocessParams } from '../image/preprocess-params.js';
import { parseModel } from '../engine/onnx-serialize.js';
import type { PickerModelConfig } from './topaz/spec.js';
import type { YoloConfig } from './yolo/spec.js';

/**
 * Version history: 1 = the first release (same properties, not validated when written; YOLO files
 * of that release carry cryopick.family = yolo); 2 = written through this schema, both families.
 * Readers accept every version up to MODEL_FILE_VERSION.
 */
export const MODEL_FILE_VERSION = 2;

/** How images must be prepared for the model (what `pick` replays), in `cryopick.input`. */
const inputSchema = z.looseObject({
  /** The preprocessing training applied; absent only in models not written by `train`. */
  preprocess: preprocessParamsSchema.optional(),
  /** Nominal downsampling factor (informative; the plan in `preprocess` is what is replayed). */
  downsample: z.number().positive().optional(),
  normalization: z.string().optional(),
  /** Labelling radius in working-grid (downsampled) pixels. */
  radius: z.number().nonnegative().optional(),
  /** Particle diameter in original-micrograph pixels. */
  particleDiameter: z.number().positive().finite().optional(),
  /** Pixel size of the training micrographs in Å (when known). */
  pixelSizeA: z.number().positive().finite().optional(),
  /**
   * Scale-free (general) models: the particle diameter in working-grid pixels they were trained at.
   * `pick` then Fourier-crops each micrograph by (the user's diameter) / this instead of replaying
   * `preprocess.downsample`.
   */
  canonicalDiameterGridPx: z.number().positive().finite().optional(),
});

export type ModelInput = z.output<typeof inputSchema>;
/** What a writer gives: preprocess may be partial (the schema fills defaults and checks it). */
export type ModelInputDraft = Omit<z.input<typeof inputSchema>, 'preprocess'> & { readonly preprocess?: PreprocessParams | Readonly<Record<string, unknown>> };

/** Free-form training report (`cryopick.training`): method, prior, best epoch, parameters. */
const trainingSchema = z.record(z.string(), z.unknown());

export type ModelTraining = z.output<typeof trainingSchema>;

/** The picker families a model file can hold (`cryopick.family`; absent = topaz, as in version 1). */
export const MODEL_FAMILIES = ['topaz', 'yolo'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** What a model file says besides its weights. */
export interface ModelFileMetadata {
  readonly version: number;
  readonly config: PickerModelConfig;
  readonly receptiveField: number;
  readonly stride: number;
  readonly input: ModelInput;
  readonly training: ModelTraining;
}

/** What the writer is given: the parts a caller chooses (architecture facts come from the model). */
export interface ModelFileDraft {
  readonly input?: ModelInputDraft;
  readonly training?: ModelTraining;
  /** Further metadata properties, written verbatim (the cryopick.* keys take precedence). */
  readonly extra?: Record<string, string>;
}

/** What the writer takes from the model itself: its family, architecture and graph facts. */
export type ModelFacts = { readonly stride: number; readonly paramCount: number; readonly graph: string } & (
  | { readonly family: 'topaz'; readonly config: PickerModelConfig; readonly receptiveField: number }
  | { readonly family: 'yolo'; readonly config: YoloConfig });

/** The one writer: the metadata properties of a picker .onnx. @throws ConfigError when the draft does not fit the schema. */
export function modelFileProperties(model: ModelFacts, draft: ModelFileDraft = {}): Record<string, string> {
  const input = inputSchema.safeParse(draft.input ?? {});
  if (!input.success) throw new ConfigError(input.error.issues.map((i) => ({ path: ['input', ...i.path.map(String)].join('.'), message: i.message })), 'invalid model metadata');
  return {
    ...(draft.extra ?? {}),
    'cryopick.kind': 'picker',
    'cryopick.family': model.family,
    'cryopick.version': String(MODEL_FILE_VERSION),
    'cryopick.param_count': String(model.paramCount),
    'cryopick.architecture': JSON.stringify(model.config),
    ...(model.family === 'topaz' ? { 'cryopick.receptive_field': String(model.receptiveField) } : {}),
    'cryopick.stride': String(model.stride),
    'cryopick.input': JSON.stringify(input.data),
    'cryopick.training': JSON.stringify(draft.training ?? {}),
    'cryopick.graph': model.graph,
  };
}

/** A parsed model file: its metadata (architecture not yet checked against a model) and weights. */
export type ModelFile = {
  readonly version: number;
  readonly input: ModelInput;
  readonly training: ModelTraining;
  readonly weights: Map<string, Float32Array>;
} & ({ readonly family: 'topaz'; readonly config: PickerModelConfig } | { readonly family: 'yolo'; readonly config: YoloConfig });

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`).join('; ');
}

function jsonProperty(md: Readonly<Record<string, string>>, key: string, path: string): unknown {
  const text = md[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FormatError({ path }, `metadata ${key} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * The one reader: parses a cryopick .onnx and checks its metadata against the schema.
 * @throws FormatError naming `path` when the bytes are not a cryopick picker of a known version.
 */
export function readModelFile(bytes: Uint8Array, path: string): ModelFile {
  let parsed;
  try {
    parsed = parseModel(bytes);
  } catch (err) {
    throw new FormatError({ path }, `not an ONNX model (${err instanceof Error ? err.message : String(err)})`);
  }
  const md = parsed.metadata;
  if (md['cryopick.architecture'] === undefined) throw new FormatError({ path }, 'not a cryopick picker: metadata property cryopick.architecture is missing');
  const version = Number(md['cryopick.version'] ?? '1');
  if (!Number.isInteger(version) || version < 1) throw new FormatError({ path }, `metadata cryopick.version is ${md['cryopick.version']}, expected a whole number`);
  if (version > MODEL_FILE_VERSION) throw new FormatError({ path }, `model file version ${version} was written by a newer cryopick; this one reads versions 1 to ${MODEL_FILE_VERSION}`);
  const family = md['cryopick.family'] ?? 'topaz';
  if (!(MODEL_FAMILIES as readonly string[]).includes(family)) throw new FormatError({ path }, `metadata cryopick.family is '${family}', expected one of ${MODEL_FAMILIES.join(', ')}`);
  const config = jsonProperty(md, 'cryopick.architecture', path);
  if (config === null || typeof config !== 'object') throw new FormatError({ path }, 'metadata cryopick.architecture is not a JSON object');
  const input = readModelInput(md, path);
  const training = trainingSchema.safeParse(jsonProperty(md, 'cryopick.training', path) ?? {});
  if (!training.success) throw new FormatError({ path }, `metadata cryopick.training is not a JSON object: ${describe(training.error.issues)}`);
  const common = { version, input, training: training.data, weights: new Map([...parsed.initializers].map(([k, v]) => [k, v.data])) };
  return family === 'yolo' ? { ...common, family, config: config as YoloConfig } : { ...common, family: 'topaz', config: config as PickerModelConfig };
}

/** The `cryopick.input` part of a model's metadata, checked against the schema (also for the yolo family's files). @throws FormatError */
export function readModelInput(md: Readonly<Record<string, string>>, path: string): ModelInput {
  const input = inputSchema.safeParse(jsonProperty(md, 'cryopick.input', path) ?? {});
  if (!input.success) throw new FormatError({ path }, `metadata cryopick.input does not fit the model schema: ${describe(input.error.issues)}`);
  return input.data;
}

/** The preprocessing a model records. @throws FormatError when it records none. */
export function modelPreprocess(file: Pick<ModelFile, 'input'>, path: string): PreprocessParams {
  const pre = file.input.preprocess;
  if (pre === undefined) throw new FormatError({ path }, 'the model metadata records no preprocessing parameters (cryopick.input.preprocess); retrain with this cryopick version');
  return pre;
}
