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
  const all = new Float32Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) {
    const v = data[i] as number;
    if (v - v === 0) all[n++] = v; // finite
  }
  const sample = all.subarray(0, n).sort(); // typed arrays sort numerically
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

/** The integer binning factor that `shrinkForDisplay` applies first to a width × height image for `side`. */
export function displayBinFactor(width: number, height: number, side: number): number {
  const size = fitSize(width, height, side);
  return Math.max(1, Math.floor(Math.min(width / size.width, height / size.height)));
}

/** A display image and where its pixels sit: display pixel k is at original k × scale + offset. */
export interface DisplayShrink {
  readonly image: Image2D;
  readonly offset: number;
  readonly scaleX: number;
  readonly scaleY: number;
}

/**
 * The rest of `shrinkForDisplay` for an image already binned by `factor` (`displayBinFactor`) from
 * an original of originalWidth × originalHeight: Fourier cropping to the display size.
 */
export function finishDisplayShrink(binned: Image2D, factor: number, originalWidth: number, originalHeight: number, side: number): DisplayShrink {
  const size = fitSize(originalWidth, originalHeight, side);
  const w = Math.min(size.width, binned.width);
  const h = Math.min(size.height, binned.height);
  const out = w === binned.width && h === binned.height ? binned : fourierCrop(binned, w, h);
  return { image: out, offset: (factor - 1) / 2, scaleX: (factor * binned.width) / out.width, scaleY: (factor * binned.height) / out.height };
}

/**
 * Shrinks an image so its longest side is at most `side`: block-average binning by the integer
 * part of the factor (cheap), then Fourier cropping for the rest. Binned pixel j is centred at
 * original j·b + (b − 1)/2, and Fourier-cropped samples sit on the input grid, so display pixel k
 * is at original k × scale + offset.
 */
export function shrinkForDisplay(image: Image2D, side: number): DisplayShrink {
  const b = displayBinFactor(image.width, image.height, side);
  return finishDisplayShrink(b > 1 ? binImage(image, b) : image, b, image.width, image.height, side);
}

/** Gaussian lowpass (image module filter) with the half-power point at `cutoff` cycles per pixel; same size. */
export function gaussianLowpass(image: Image2D, cutoff: number): Image2D {
  if (!(cutoff > 0)) throw new RangeError(`lowpass cut-off must be > 0 cycles/pixel, got ${cutoff}`);
  const gaussian = { kind: 'gaussian', cutoff: { fractionNyquist: 1 } } as const;
  return fourierCrop(image, image.width, image.height, (fx, fy) => lowpassResponse(gaussian, Math.hypot(fx, fy), cutoff));
}
