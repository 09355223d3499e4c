// Downsampling micrographs: Fourier cropping by an integer or real factor or to a target pixel
// size (any image size), or plain block-average binning by an integer factor. The plan says the
// exact output size and per-axis factors so coordinates can be mapped back.
import type { Image2D } from './image.js';
import { makeImage } from './image.js';
import { ConfigError, ParameterError } from '../errors.js';
import type { Frame } from '../io/coords.js';
import { FourierCropper, fourierCrop } from './fourier-crop.js';
import type { SpectralFilter } from './fourier-crop.js';

export type DownsampleMethod = 'fourier' | 'bin';

export type DownsampleParams =
  | { readonly kind: 'none' }
  /** Divide both axes by `factor` (≥ 1; an integer for 'bin'). */
  | { readonly kind: 'factor'; readonly factor: number; readonly method: DownsampleMethod }
  /** Reach `pixelSizeA` Å/px; an image already at or above it is left at its size. */
  | { readonly kind: 'pixelSize'; readonly pixelSizeA: number; readonly method: DownsampleMethod };

/** What downsampling does to one image: output size and factors (input px per output px). */
export interface DownsamplePlan {
  readonly method: DownsampleMethod | 'none';
  readonly outWidth: number;
  readonly outHeight: number;
  /** inputWidth / outWidth: multiply a binned x coordinate by this to get the original x. */
  readonly factorX: number;
  /** inputHeight / outHeight. */
  readonly factorY: number;
}

/**
 * The working grid of a plan as a coordinate frame: the plan owns the original ↔ grid mapping,
 * and io/coords.ts `toFrame` carries picks across it (nothing else scales by the factors).
 */
export function gridFrame(plan: Pick<DownsamplePlan, 'factorX' | 'factorY'>): Frame<'grid'> {
  return { space: 'grid', binning: plan.factorX, binningY: plan.factorY, yFlipped: false };
}

/**
 * Works out the output size for an input of width × height.
 * Fourier: out = round(in / factor) per axis (so factorX and factorY can differ by < 1/(2·out)).
 * Bin: out = floor(in / factor) with an integer factor (a target pixel size rounds the factor);
 * the right and bottom remainders are dropped.
 * @throws ConfigError when a target pixel size is given but the image has none, or a bin factor
 * is not an integer.
 */
export function planDownsample(
  width: number, height: number, pixelSizeA: number | undefined, params: DownsampleParams,
): DownsamplePlan {
  const identity: DownsamplePlan = { method: 'none', outWidth: width, outHeight: height, factorX: 1, factorY: 1 };
  if (params.kind === 'none') return identity;
  let factor: number;
  if (params.kind === 'factor') {
    factor = params.factor;
  } else {
    if (pixelSizeA === undefined || !(pixelSizeA > 0)) {
      throw new ConfigError([{ path: 'downsample.pixelSizeA', message: `downsampling to ${params.pixelSizeA} Å/px needs the micrograph's pixel size, which is unknown; give a factor instead` }]);
    }
    factor = params.pixelSizeA / pixelSizeA;
    if (params.method === 'bin') factor = Math.max(1, Math.round(factor));
  }
  if (!(factor >= 1) || !Number.isFinite(factor)) {
    if (params.kind === 'pixelSize') return identity;
    throw new ParameterError([{ path: 'downsample.factor', message: `must be a number >= 1, got ${factor}` }]);
  }
  if (params.method === 'bin') {
    if (!Number.isInteger(factor)) {
      throw new ParameterError([{ path: 'downsample.factor', message: `binning needs an integer factor, got ${factor}; use method "fourier" for real factors` }]);
    }
    const outWidth = Math.max(1, Math.floor(width / factor));
    const outHeight = Math.max(1, Math.floor(height / factor));
    if (factor === 1) return identity;
    return { method: 'bin', outWidth, outHeight, factorX: factor, factorY: factor };
  }
  const outWidth = Math.max(1, Math.round(width / factor));
  const outHeight = Math.max(1, Math.round(height / factor));
  if (outWidth === width && outHeight === height) return identity;
  return { method: 'fourier', outWidth, outHeight, factorX: width / outWidth, factorY: height / outHeight };
}

/**
 * Downsamples an image; `filter` (from makeSpectralFilter, in output-pixel frequencies) is
 * applied in the same Fourier pass. The output pixel size is the input's × factorX.
 */
export function downsample(image: Image2D, params: DownsampleParams, filter?: SpectralFilter): Image2D {
  const plan = planDownsample(image.width, image.height, image.pixelSizeA, params);
  return applyDownsamplePlan(image, plan, filter);
}

/** Carries out a plan from planDownsample (filtering, if given, happens in Fourier space). */
export function applyDownsamplePlan(image: Image2D, plan: DownsamplePlan, filter?: SpectralFilter): Image2D {
  const sink = rowDownsampler(image.width, image.height, image.pixelSizeA, plan, filter);
  sink.addRows(image.data, image.height);
  return sink.result();
}

/** A plan carried out on input rows fed a band at a time (e.g. while the micrograph is read). */
export interface RowDownsampler {
  /** Adds the next `rowCount` input rows (row-major, input width samples each) from `rows`. */
  addRows(rows: Float32Array, rowCount: number): void;
  /** The downsampled (and filtered) image once every input row was added. */
  result(): Image2D;
}

/** The downsampler of `plan` for a width × height input: same numbers as applyDownsamplePlan on the whole image. */
export function rowDownsampler(width: number, height: number, pixelSizeA: number | undefined, plan: DownsamplePlan, filter?: SpectralFilter): RowDownsampler {
  const filtered = (image: Image2D): Image2D => (filter === undefined ? image : fourierCrop(image, image.width, image.height, filter));
  switch (plan.method) {
    case 'fourier': {
      const cropper = new FourierCropper(width, height, plan.outWidth, plan.outHeight);
      return { addRows: (rows, count) => cropper.addRows(rows, count), result: () => cropper.result(filter, pixelSizeA) };
    }
    case 'bin': {
      const binner = new BlockBinner(width, height, plan.factorX);
      return { addRows: (rows, count) => binner.addRows(rows, count), result: () => filtered(binner.result(pixelSizeA)) };
    }
    case 'none': {
      const data = new Float32Array(width * height);
      let filled = 0;
      return {
        addRows: (rows, count) => {
          if (filled + count * width > data.length) throw new RangeError(`${filled / width + count} rows added to a ${height}-row image`);
          data.set(rows.subarray(0, count * width), filled);
          filled += count * width;
        },
        result: () => {
          if (filled !== data.length) throw new RangeError(`${filled / width} of ${height} rows added`);
          return filtered(makeImage(width, height, data, pixelSizeA));
        },
      };
    }
    default: {
      const never: never = plan.method;
      throw new TypeError(`unknown downsampling method ${String(never)}`);
    }
  }
}

/**
 * Block-average binning by an integer factor, fed a band of input rows at a time (so a micrograph
 * can be binned while it is read); remainders at the right and bottom are dropped. Sums are kept in
 * float64, so a binned pixel is non-finite only when one of its input pixels is.
 */
export class BlockBinner {
  readonly width: number;
  readonly height: number;
  private readonly out: Float32Array;
  private readonly acc: Float64Array;
  private readonly fx: number;
  private readonly fy: number;
  private nextRow = 0;
  private rowsInAcc = 0;

  constructor(readonly inWidth: number, readonly inHeight: number, readonly factor: number) {
    if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`bin factor must be a positive integer, got ${factor}`);
    this.width = Math.max(1, Math.floor(inWidth / factor));
    this.height = Math.max(1, Math.floor(inHeight / factor));
    this.fx = Math.min(factor, inWidth);
    this.fy = Math.min(factor, inHeight);
    this.out = new Float32Array(this.width * this.height);
    this.acc = new Float64Array(this.width);
  }

  /** Adds the next `rowCount` input rows (row-major, `inWidth` samples each) from `rows`. */
  addRows(rows: Float32Array, rowCount: number): void {
    const { width: w, fx, fy, factor, acc, out, inWidth } = this;
    if (rows.length < rowCount * inWidth) throw new RangeError(`expected ${rowCount} rows of ${inWidth}, got ${rows.length} samples`);
    for (let r = 0; r < rowCount; r++, this.nextRow++) {
      const y = Math.floor(this.nextRow / factor);
      if (y >= this.height) continue; // the dropped remainder at the bottom
      const row = r * inWidth;
      for (let x = 0; x < w; x++) {
        const start = row + x * factor;
        let s = 0;
        for (let dx = 0; dx < fx; dx++) s += rows[start + dx]!;
        acc[x] = acc[x]! + s;
      }
      if (++this.rowsInAcc === fy) {
        const norm = 1 / (fx * fy);
        for (let x = 0; x < w; x++) out[y * w + x] = acc[x]! * norm;
        acc.fill(0);
        this.rowsInAcc = 0;
      }
    }
  }

  /** The binned image once every input row was added (pixel size scaled by the factor). */
  result(inputPixelSizeA?: number): Image2D {
    if (this.nextRow !== this.inHeight) throw new RangeError(`binning: ${this.nextRow} of ${this.inHeight} rows added`);
    return makeImage(this.width, this.height, this.out, inputPixelSizeA === undefined ? undefined : inputPixelSizeA * this.factor);
  }
}

/** Block-average binning by an integer factor; remainders at the right and bottom are dropped. */
export function binImage(image: Image2D, factor: number): Image2D {
  const binner = new BlockBinner(image.width, image.height, factor);
  binner.addRows(image.data, image.height);
  return binner.result(image.pixelSizeA);
}
