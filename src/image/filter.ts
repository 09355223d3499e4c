// Spectral filters for micrographs: Gaussian and Butterworth lowpass (cryoSPARC Deep Picker's
// "degree of lowpass filtering" is the cut-off as a fraction of Nyquist) and the matching highpass
// that flattens uneven ice. Every cut-off is the half-power point: amplitude 1/√2 there.
import type { Image2D } from './image.js';
import { ConfigError } from '../errors.js';
import { fourierCrop } from './fourier-crop.js';
import type { SpectralFilter } from './fourier-crop.js';

/** A cut-off as a resolution in Å (needs the pixel size) or as a fraction of Nyquist (0..1]. */
export type Cutoff = { readonly resolutionA: number } | { readonly fractionNyquist: number };

export type FilterParams =
  | { readonly kind: 'none' }
  | { readonly kind: 'gaussian'; readonly cutoff: Cutoff }
  | { readonly kind: 'butterworth'; readonly cutoff: Cutoff; readonly order: number };

/**
 * The cut-off in cycles per pixel for an image with the given pixel size.
 * @throws ConfigError when a resolution is asked for but the pixel size is unknown.
 */
export function cutoffCyclesPerPixel(cutoff: Cutoff, pixelSizeA: number | undefined, path: string): number {
  if ('fractionNyquist' in cutoff) return 0.5 * cutoff.fractionNyquist;
  if (pixelSizeA === undefined || !(pixelSizeA > 0)) {
    throw new ConfigError([{ path, message: `a cut-off of ${cutoff.resolutionA} Å needs the pixel size, which this image lacks; give the cut-off as a fraction of Nyquist instead` }]);
  }
  return pixelSizeA / cutoff.resolutionA;
}

/** Lowpass amplitude at frequency f (cycles/px) for cut-off fc: 1 at DC, 1/√2 at fc. */
export function lowpassResponse(params: FilterParams, f: number, fc: number): number {
  switch (params.kind) {
    case 'none':
      return 1;
    case 'gaussian':
      return Math.exp(-(Math.LN2 / 2) * (f / fc) ** 2);
    case 'butterworth':
      return 1 / Math.sqrt(1 + (f / fc) ** (2 * params.order));
    default: {
      const never: never = params;
      throw new TypeError(`unknown filter ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Highpass amplitude, power-complementary to the lowpass of the same shape: sqrt(1 − L(f)²).
 * DC is passed unchanged so the mean (the ice level) survives; only slow gradients are removed.
 */
export function highpassResponse(params: FilterParams, f: number, fc: number): number {
  if (params.kind === 'none' || f === 0) return 1;
  const l = lowpassResponse(params, f, fc);
  return Math.sqrt(Math.max(0, 1 - l * l));
}

/**
 * Combines a lowpass and a highpass into one SpectralFilter for an image of the given pixel size,
 * or undefined when both are 'none'.
 */
export function makeSpectralFilter(
  lowpass: FilterParams, highpass: FilterParams, pixelSizeA: number | undefined,
): SpectralFilter | undefined {
  if (lowpass.kind === 'none' && highpass.kind === 'none') return undefined;
  const lowFc = lowpass.kind === 'none' ? 1 : cutoffCyclesPerPixel(lowpass.cutoff, pixelSizeA, 'lowpass.cutoff');
  const highFc = highpass.kind === 'none' ? 1 : cutoffCyclesPerPixel(highpass.cutoff, pixelSizeA, 'highpass.cutoff');
  return (fx, fy) => {
    const f = Math.hypot(fx, fy);
    return lowpassResponse(lowpass, f, lowFc) * highpassResponse(highpass, f, highFc);
  };
}

/** Filters an image without resampling it (same size, same pixel size). */
export function filterImage(image: Image2D, lowpass: FilterParams, highpass: FilterParams = { kind: 'none' }): Image2D {
  const filter = makeSpectralFilter(lowpass, highpass, image.pixelSizeA);
  if (filter === undefined) return { ...image, data: image.data.slice() };
  return fourierCrop(image, image.width, image.height, filter);
}
