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
}

/**
 * Preprocesses one micrograph and reports the downsampling plan and normalisation statistics.
 * @throws ConfigError when the params need a pixel size (target pixel size, cut-off in Å) that the
 * image lacks.
 */
export function preprocessImageDetailed(image: Image2D, params: PreprocessParams): PreprocessResult {
  const plan = planDownsample(image.width, image.height, image.pixelSizeA, params.downsample);
  const outPixelSizeA = image.pixelSizeA === undefined ? undefined : image.pixelSizeA * plan.factorX;
  const filter = makeSpectralFilter(params.lowpass, params.highpass, outPixelSizeA);
  const resampled = applyDownsamplePlan(image, plan, filter);
  const { image: normalized, stats } = normalizeImage(resampled, params.normalize, params.invert);
  return { image: normalized, plan, stats };
}

/** Preprocesses one micrograph (see preprocessImageDetailed). The input is not modified. */
export function preprocessImage(image: Image2D, params: PreprocessParams): Image2D {
  return preprocessImageDetailed(image, params).image;
}
