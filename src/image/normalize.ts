// Per-micrograph intensity normalisation: Topaz's Gaussian-mixture method (robust to carbon,
// ice crystals and other contaminants), plain standardisation, or none; then optional contrast
// inversion. Output pixels are (x − μ) / σ with μ, σ taken from the background component.
import type { Image2D } from './image.js';
import { makeImage } from './image.js';
import { fitGmm, TOPAZ_INITIAL_WEIGHTS } from './gmm.js';
import type { GmmFit } from './gmm.js';
import { sampleWithoutReplacement } from './_random.js';
import { Random } from '../random.js';

export interface GmmNormalizeParams {
  readonly kind: 'gmm';
  /** Pixel sampling factor: fit on 1/sample of the pixels (Topaz --sample, default 10). */
  readonly sample: number;
  /** Maximum EM iterations per restart (Topaz --niters, default 100). */
  readonly iterations: number;
  /** EM stops when the log posterior improves by at most this (default 1e-3). */
  readonly tolerance: number;
  /** Initial dominant weights, one restart each; the best log posterior wins (1 = one Gaussian). */
  readonly initialWeights: readonly number[];
  /** Beta prior on the background weight (Topaz -a 900, -b 1). */
  readonly priorAlpha: number;
  readonly priorBeta: number;
  /** Seed of the pixel sampling, so a micrograph always normalises the same way. */
  readonly seed: number;
  /** 'bright' = Topaz seeding; 'both' also seeds restarts from the dark end (bright contaminants). */
  readonly seedFrom: 'bright' | 'both';
}

export type NormalizeParams = GmmNormalizeParams | { readonly kind: 'standardize' } | { readonly kind: 'none' };

export const DEFAULT_GMM_PARAMS: GmmNormalizeParams = {
  kind: 'gmm', sample: 10, iterations: 100, tolerance: 1e-3,
  initialWeights: TOPAZ_INITIAL_WEIGHTS, priorAlpha: 900, priorBeta: 1, seed: 0, seedFrom: 'both',
};

/** The μ and σ used, and the mixture fit when the GMM method ran. */
export interface NormalizeStats {
  readonly method: NormalizeParams['kind'];
  readonly mean: number;
  readonly std: number;
  readonly gmm?: GmmFit;
}

export interface NormalizeResult {
  readonly image: Image2D;
  readonly stats: NormalizeStats;
}

/**
 * Fits Topaz's mixture to a seeded random 1/sample of the pixels (likelihood scaled by the ratio)
 * and returns the background mean and the shared standard deviation.
 */
export function fitGmmToImage(image: Image2D, params: GmmNormalizeParams): GmmFit {
  const total = image.data.length;
  const count = Math.max(1, Math.min(total, Math.round(total / params.sample)));
  const values = count === total ? image.data : sampleWithoutReplacement(image.data, count, new Random(params.seed).next);
  return fitGmm(values, {
    iterations: params.iterations,
    tolerance: params.tolerance,
    initialWeights: params.initialWeights,
    priorAlpha: params.priorAlpha,
    priorBeta: params.priorBeta,
    scale: total / count,
    seedFrom: params.seedFrom,
  });
}

/** Mean and (population) standard deviation of all pixels. */
export function imageMeanStd(image: Image2D): { mean: number; std: number } {
  const d = image.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]!;
  const mean = s / d.length;
  let ss = 0;
  for (let i = 0; i < d.length; i++) ss += (d[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / d.length) };
}

/** The normalisation statistics without applying them. */
export function normalizationStats(image: Image2D, params: NormalizeParams): NormalizeStats {
  switch (params.kind) {
    case 'none':
      return { method: 'none', mean: 0, std: 1 };
    case 'standardize':
      return { method: 'standardize', ...imageMeanStd(image) };
    case 'gmm': {
      const gmm = fitGmmToImage(image, params);
      return { method: 'gmm', mean: gmm.mean, std: gmm.std, gmm };
    }
    default: {
      const never: never = params;
      throw new TypeError(`unknown normalisation ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Normalises an image: (x − μ)/σ, then × −1 when `invert` (dark particles become bright).
 * A constant image (σ = 0) becomes all zeros rather than NaN.
 */
export function normalizeImage(image: Image2D, params: NormalizeParams, invert = false): NormalizeResult {
  const stats = normalizationStats(image, params);
  const scale = (stats.std > 0 && Number.isFinite(stats.std) ? 1 / stats.std : 0) * (invert ? -1 : 1);
  const src = image.data;
  const out = new Float32Array(src.length);
  if (params.kind === 'none') {
    for (let i = 0; i < src.length; i++) out[i] = invert ? -src[i]! : src[i]!;
  } else {
    for (let i = 0; i < src.length; i++) out[i] = (src[i]! - stats.mean) * scale;
  }
  return { image: makeImage(image.width, image.height, out, image.pixelSizeA), stats };
}
