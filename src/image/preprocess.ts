// preprocessImage: the one function train and pick both call on every micrograph, so a model sees
// at pick time exactly what it saw in training. Order: downsample (with any lowpass/highpass in
// the same Fourier pass), then normalise, then optional contrast inversion.
import type { Image2D } from './image.js';
import type { PreprocessParams } from './preprocess-params.js';
import { applyDownsamplePlan, planDownsample } from './downsample.js';
import type { DownsamplePlan } from './downsample.js';
import { makeSpectralFilter } from './filter.js';
import { normalizeImage } from './normalize.js';
import type { NormalizeStats } from './normalize.js';

export interface PreprocessResult {
  readonly image: Image2D;
  /** Output size and factors: original x = output x × plan.factorX (likewise y). */
  readonly plan: DownsamplePlan;
  readonly stats: NormalizeStats;
  /** Pixels that were NaN or infinite in the input and were replaced by the mean of the others. */
  readonly nonFiniteReplaced: number;
}

/** The image with NaN/±Infinity pixels set to the mean of the finite ones (the input if none). */
function withFinitePixels(image: Image2D): { image: Image2D; replaced: number } {
  const d = image.data;
  let bad = 0;
  // v − v is 0 for finite values and NaN otherwise: one subtraction per pixel on the common clean path
  for (let i = 0; i < d.length; i++) if (d[i]! - d[i]! !== 0) bad++;
  if (bad === 0) return { image, replaced: 0 };
  let sum = 0;
  for (let i = 0; i < d.length; i++) if (Number.isFinite(d[i]!)) sum += d[i]!;
  const fill = bad === d.length ? 0 : sum / (d.length - bad);
  const data = d.map((v) => (Number.isFinite(v) ? v : fill));
  return { image: { ...image, data }, replaced: bad };
}

/**
 * Preprocesses one micrograph and reports the downsampling plan and normalisation statistics.
 * @throws ConfigError when the params need a pixel size (target pixel size, cut-off in Å) that the
 * image lacks.
 */
export function preprocessImageDetailed(input: Image2D, params: PreprocessParams): PreprocessResult {
  // one NaN would spread through every Fourier coefficient, so clean the input first
  const { image, replaced } = withFinitePixels(input);
  const plan = planDownsample(image.width, image.height, image.pixelSizeA, params.downsample);
  const outPixelSizeA = image.pixelSizeA === undefined ? undefined : image.pixelSizeA * plan.factorX;
  const filter = makeSpectralFilter(params.lowpass, params.highpass, outPixelSizeA);
  const resampled = applyDownsamplePlan(image, plan, filter);
  const { image: normalized, stats } = normalizeImage(resampled, params.normalize, params.invert);
  return { image: normalized, plan, stats, nonFiniteReplaced: replaced };
}

/** Preprocesses one micrograph (see preprocessImageDetailed). The input is not modified. */
export function preprocessImage(image: Image2D, params: PreprocessParams): Image2D {
  return preprocessImageDetailed(image, params).image;
}
