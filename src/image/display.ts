// Micrographs for the eye: shrinking to a display size (block-average binning by the integer
// factor, then Fourier cropping) with the original-pixel position of every display pixel, and
// contrast stretching between percentiles to 8-bit grey. Used by the viewer and the reports.
import type { Image2D } from './image.js';
import { fourierCrop } from './fourier-crop.js';
import { binImage } from './downsample.js';
import { lowpassResponse } from './filter.js';

/** The output size for `side`, keeping the aspect ratio; never larger than the input. */
export function fitSize(width: number, height: number, side: number): { width: number; height: number } {
  const f = Math.max(1, Math.max(width, height) / side);
  return { width: Math.max(1, Math.round(width / f)), height: Math.max(1, Math.round(height / f)) };
}

/** Contrast-stretched 8-bit grey values between two percentiles (estimated on ≤ 64k samples). */
export function stretchToBytes(data: Float32Array, lowPercentile: number, highPercentile: number): Uint8Array {
  const step = Math.max(1, Math.floor(data.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) {
    const v = data[i] as number;
    if (Number.isFinite(v)) sample.push(v);
  }
  sample.sort((a, b) => a - b);
  const at = (p: number): number => sample[Math.min(sample.length - 1, Math.max(0, Math.round((p / 100) * (sample.length - 1))))] ?? 0;
  const lo = at(lowPercentile);
  const hi = at(highPercentile);
  const span = hi > lo ? hi - lo : 1;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = ((data[i] as number) - lo) / span;
    out[i] = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0;
  }
  return out;
}

/**
 * Shrinks an image so its longest side is at most `side`: block-average binning by the integer
 * part of the factor (cheap), then Fourier cropping for the rest. Binned pixel j is centred at
 * original j·b + (b − 1)/2, and Fourier-cropped samples sit on the input grid, so display pixel k
 * is at original k × scale + offset.
 */
export function shrinkForDisplay(image: Image2D, side: number): { image: Image2D; offset: number; scaleX: number; scaleY: number } {
  const size = fitSize(image.width, image.height, side);
  const b = Math.max(1, Math.floor(Math.min(image.width / size.width, image.height / size.height)));
  const binned = b > 1 ? binImage(image, b) : image;
  const w = Math.min(size.width, binned.width);
  const h = Math.min(size.height, binned.height);
  const out = w === binned.width && h === binned.height ? binned : fourierCrop(binned, w, h);
  return { image: out, offset: (b - 1) / 2, scaleX: (b * binned.width) / out.width, scaleY: (b * binned.height) / out.height };
}


/** Gaussian lowpass (image module filter) with the half-power point at `cutoff` cycles per pixel; same size. */
export function gaussianLowpass(image: Image2D, cutoff: number): Image2D {
  if (!(cutoff > 0)) throw new RangeError(`lowpass cut-off must be > 0 cycles/pixel, got ${cutoff}`);
  const gaussian = { kind: 'gaussian', cutoff: { fractionNyquist: 1 } } as const;
  return fourierCrop(image, image.width, image.height, (fx, fy) => lowpassResponse(gaussian, Math.hypot(fx, fy), cutoff));
}
