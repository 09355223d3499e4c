// PreprocessParams: the serialisable description of how a micrograph is preprocessed (downsample,
// filter, normalise, invert). Train stores it in model metadata and pick replays it exactly, so
// the zod schema fills every default and the canonical key is stable across runs.
import { z } from 'zod';
import { ParameterError } from '../errors.js';
import type { DownsampleParams } from './downsample.js';
import type { FilterParams } from './filter.js';
import type { NormalizeParams } from './normalize.js';
import { DEFAULT_GMM_PARAMS } from './normalize.js';

export interface PreprocessParams {
  readonly version: 1;
  readonly downsample: DownsampleParams;
  readonly lowpass: FilterParams;
  readonly highpass: FilterParams;
  readonly normalize: NormalizeParams;
  /** Multiply by −1 after normalising (dark particles become bright). */
  readonly invert: boolean;
}

const cutoffSchema = z.union([
  z.strictObject({ resolutionA: z.number().positive().finite() }),
  z.strictObject({ fractionNyquist: z.number().gt(0).lte(1) }),
]);

const filterSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('gaussian'), cutoff: cutoffSchema }),
  z.strictObject({ kind: z.literal('butterworth'), cutoff: cutoffSchema, order: z.number().int().min(1).max(32).default(4) }),
]);

const methodSchema = z.enum(['fourier', 'bin']).default('fourier');

const downsampleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({ kind: z.literal('factor'), factor: z.number().min(1).finite(), method: methodSchema }),
    z.strictObject({ kind: z.literal('pixelSize'), pixelSizeA: z.number().positive().finite(), method: methodSchema }),
  ])
  .superRefine((d, ctx) => {
    if (d.kind === 'factor' && d.method === 'bin' && !Number.isInteger(d.factor)) {
      ctx.addIssue({ code: 'custom', path: ['factor'], message: `binning needs an integer factor, got ${d.factor}; use method "fourier" for real factors` });
    }
  });

const gmmSchema = z.strictObject({
  kind: z.literal('gmm'),
  sample: z.number().min(1).finite().default(DEFAULT_GMM_PARAMS.sample),
  iterations: z.number().int().min(0).max(100000).default(DEFAULT_GMM_PARAMS.iterations),
  tolerance: z.number().min(0).finite().default(DEFAULT_GMM_PARAMS.tolerance),
  initialWeights: z.array(z.number().gt(0).lte(1)).min(1).default([...DEFAULT_GMM_PARAMS.initialWeights]),
  priorAlpha: z.number().min(1).finite().default(DEFAULT_GMM_PARAMS.priorAlpha),
  priorBeta: z.number().min(1).finite().default(DEFAULT_GMM_PARAMS.priorBeta),
  seed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_GMM_PARAMS.seed),
  seedFrom: z.enum(['bright', 'both']).default(DEFAULT_GMM_PARAMS.seedFrom),
});

const normalizeSchema = z.discriminatedUnion('kind', [
  gmmSchema,
  z.strictObject({ kind: z.literal('standardize') }),
  z.strictObject({ kind: z.literal('none') }),
]);

/** The zod schema of PreprocessParams; every field has a default, so `{}` is valid. */
export const preprocessParamsSchema = z.strictObject({
  version: z.literal(1).default(1),
  downsample: downsampleSchema.default({ kind: 'none' }),
  lowpass: filterSchema.default({ kind: 'none' }),
  highpass: filterSchema.default({ kind: 'none' }),
  normalize: normalizeSchema.default({ ...DEFAULT_GMM_PARAMS, initialWeights: [...DEFAULT_GMM_PARAMS.initialWeights] }),
  invert: z.boolean().default(false),
});

/** What a user or config file may give: any subset, defaults fill the rest. */
export type PreprocessParamsInput = z.input<typeof preprocessParamsSchema>;

/**
 * Validates and fills defaults.
 * @throws ConfigError listing every problem, paths relative to `prefix` (e.g. "preprocess").
 */
export function parsePreprocessParams(input: unknown, prefix = ''): PreprocessParams {
  const result = preprocessParamsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ParameterError(
      result.error.issues.map((issue) => ({
        path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
        message: issue.message,
      })),
      'invalid preprocessing parameters',
    );
  }
  const params: PreprocessParams = result.data;
  return params;
}

/** Topaz's defaults: no downsampling, GMM normalisation (sample 10, 100 iterations, 12 restarts). */
export function defaultPreprocessParams(): PreprocessParams {
  return parsePreprocessParams({});
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** A stable JSON string of fully-defaulted params (sorted keys): equal params give equal keys. */
export function preprocessParamsKey(params: PreprocessParams | PreprocessParamsInput): string {
  return JSON.stringify(canonical(parsePreprocessParams(params)));
}
