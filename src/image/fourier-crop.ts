// Fourier cropping: resample an image to a smaller grid by keeping only the low-frequency block of
// its spectrum (the band-limited downsampling Topaz and RELION use), optionally applying a spectral
// filter on the way. Only the kept columns are transformed along y, so 4096² → 1024² is cheap, and
// rows can be fed as they are read (FourierCropper).
import type { Image2D } from './image.js';
import { makeImage } from './image.js';
import { PartialDft, RealRowDft } from './fft.js';
import { returnScratch, takeScratch } from './scratch.js';

/** A filter's amplitude response at frequency (fx, fy), in signed cycles per output pixel. */
export type SpectralFilter = (fx: number, fy: number) => number;

const BAND_ROWS = 16; // rows transposed together between the row-major and column-major layouts (even: rows go in pairs)

/** Signed frequency index of row r of an h-point spectrum in numpy's fftfreq order. */
export function signedFrequency(r: number, h: number): number {
  return r < Math.ceil(h / 2) ? r : r - h;
}

/**
 * Fourier cropping fed a band of input rows at a time, so a micrograph is transformed while it is
 * read and never needs to sit in memory whole: each row's real FFT is taken on arrival (keeping the
 * `bins` columns that survive the crop), the column transforms run in `result`. Same numbers as
 * fourierCrop on the whole image, bit for bit. The row spectra are stored column by column (a band
 * of rows transposed at a time), so the column transforms read contiguous memory: strided access
 * to a 30 MB spectrum cost more than the FFTs.
 */
export class FourierCropper {
  readonly bins: number;
  /** Row spectra, column-major: column c's H complex values at c·2H. */
  private readonly columns: Float64Array;
  private readonly band: Float64Array;
  private readonly rowDft: RealRowDft;
  private readonly carry: Float32Array;
  private carried = false;
  private nextRow = 0;
  private bandStart = 0;

  constructor(readonly inWidth: number, readonly inHeight: number, readonly outWidth: number, readonly outHeight: number) {
    const [W, H, w, h] = [inWidth, inHeight, outWidth, outHeight];
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > W || h > H) {
      throw new RangeError(`Fourier crop needs an output size within 1x1..${W}x${H}, got ${w}x${h}`);
    }
    this.bins = Math.floor(w / 2) + 1;
    this.columns = takeScratch(H * 2 * this.bins);
    this.band = new Float64Array(BAND_ROWS * 2 * this.bins);
    this.rowDft = new RealRowDft(W, this.bins);
    this.carry = new Float32Array(2 * W);
  }

  /** Adds the next `rowCount` input rows (row-major, `inWidth` samples each) from `rows`. */
  addRows(rows: Float32Array, rowCount: number): void {
    const W = this.inWidth;
    if (rows.length < rowCount * W) throw new RangeError(`expected ${rowCount} rows of ${W}, got ${rows.length} samples`);
    const added = this.nextRow + (this.carried ? 1 : 0) + rowCount;
    if (added > this.inHeight) throw new RangeError(`Fourier crop: ${added} rows added to a ${this.inHeight}-row image`);
    let r = 0;
    if (this.carried && rowCount > 0) {
      // rows are transformed in pairs (0,1), (2,3), … as for the whole image: finish the pair a band split
      this.carry.set(rows.subarray(0, W), W);
      this.transformPair(this.carry, 0, 1);
      this.carried = false;
      r = 1;
    }
    for (; r + 1 < rowCount; r += 2) this.transformPair(rows, r, r + 1);
    if (r < rowCount) {
      this.carry.set(rows.subarray(r * W, (r + 1) * W));
      this.carried = true;
    }
  }

  /** The cropped image (filtered by `filter` if given) once every input row was added; the cropper is spent. */
  result(filter?: SpectralFilter, inputPixelSizeA?: number): Image2D {
    if (this.carried && this.nextRow === this.inHeight - 1) this.transformPair(this.carry, 0, undefined);
    if (this.nextRow !== this.inHeight) throw new RangeError(`Fourier crop: ${this.nextRow + (this.carried ? 1 : 0)} of ${this.inHeight} rows added`);
    this.flushBand();
    const [W, H, w, h, bins] = [this.inWidth, this.inHeight, this.outWidth, this.outHeight, this.bins];
    const spectrum = columnsCropped(this.columns, H, h, bins);
    returnScratch(this.columns);
    if (filter !== undefined) applyFilter(spectrum, w, h, bins, filter);
    const out = inverseReal(spectrum, w, h, bins, 1 / (W * H));
    returnScratch(spectrum);
    return makeImage(w, h, out, inputPixelSizeA === undefined ? undefined : (inputPixelSizeA * W) / w);
  }

  private transformPair(src: Float32Array, a: number, b: number | undefined): void {
    const stride = 2 * this.bins;
    const at = (this.nextRow - this.bandStart) * stride;
    this.rowDft.transform(src, a, b, this.band, at, b === undefined ? undefined : this.band, at + stride);
    this.nextRow += b === undefined ? 1 : 2;
    if (this.nextRow - this.bandStart === BAND_ROWS) this.flushBand();
  }

  /** Copies the band's row spectra into their columns. */
  private flushBand(): void {
    const { band, columns, bins, bandStart } = this;
    const count = this.nextRow - bandStart;
    const stride = 2 * bins;
    const colLength = 2 * this.inHeight;
    for (let c = 0; c < bins; c++) {
      const to = c * colLength + 2 * bandStart;
      for (let i = 0; i < count; i++) {
        columns[to + 2 * i] = band[i * stride + 2 * c]!;
        columns[to + 2 * i + 1] = band[i * stride + 2 * c + 1]!;
      }
    }
    this.bandStart = this.nextRow;
  }
}

/**
 * Resamples `image` to outWidth × outHeight by Fourier cropping, with numpy `irfft2(crop(rfft2(x)))`
 * semantics: rows keep frequencies −⌊h/2⌋..⌈h/2⌉−1, columns 0..⌊w/2⌋, and the result is rescaled
 * so the mean is preserved. The pixel size (if known) grows by width/outWidth.
 * @throws RangeError when the output is larger than the input or not a positive integer size.
 */
export function fourierCrop(image: Image2D, outWidth: number, outHeight: number, filter?: SpectralFilter): Image2D {
  const cropper = new FourierCropper(image.width, image.height, outWidth, outHeight);
  cropper.addRows(image.data, image.height);
  return cropper.result(filter, image.pixelSizeA);
}

/**
 * DFTs down the `bins` kept columns of the row spectra (column-major, H rows), keeping the h rows of
 * the crop; the result is column-major too (column c's h complex values at c·2h).
 */
function columnsCropped(columns: Float64Array, H: number, h: number, bins: number): Float64Array {
  const first = -Math.floor(h / 2);
  const colDft = new PartialDft(H, first, h);
  const cropped = takeScratch(bins * 2 * h); // every value is written below
  const colOut = new Float64Array(2 * h);
  const targetRow = Array.from({ length: h }, (_, j) => (((first + j) % h) + h) % h);
  for (let c = 0; c < bins; c++) {
    colDft.transform(columns.subarray(c * 2 * H, (c + 1) * 2 * H), colOut);
    const base = c * 2 * h;
    for (let j = 0; j < h; j++) {
      const at = base + 2 * targetRow[j]!;
      cropped[at] = colOut[2 * j]!;
      cropped[at + 1] = colOut[2 * j + 1]!;
    }
  }
  return cropped;
}

function applyFilter(spectrum: Float64Array, w: number, h: number, bins: number, filter: SpectralFilter): void {
  for (let c = 0; c < bins; c++) {
    for (let r = 0; r < h; r++) {
      const g = filter(c / w, signedFrequency(r, h) / h);
      const at = 2 * (c * h + r);
      spectrum[at] = spectrum[at]! * g;
      spectrum[at + 1] = spectrum[at + 1]! * g;
    }
  }
}

/**
 * Inverse: complex DFTs down the kept columns (column-major `spectrum`), then real-output DFTs of
 * the rows (two per pass), the rows gathered a block at a time.
 */
function inverseReal(spectrum: Float64Array, w: number, h: number, bins: number, scale: number): Float32Array {
  const colDft = new PartialDft(h, 0, h, 1);
  const colOut = new Float64Array(2 * h);
  for (let c = 0; c < bins; c++) {
    const column = spectrum.subarray(c * 2 * h, (c + 1) * 2 * h);
    colDft.transform(column, colOut);
    column.set(colOut);
  }
  const out = new Float32Array(w * h);
  const rowDft = new PartialDft(w, 0, w, 1);
  const z = new Float64Array(2 * w);
  const zOut = new Float64Array(2 * w);
  const nyquist = w % 2 === 0 ? w / 2 : -1;
  const rowStride = 2 * bins;
  const block = new Float64Array(BAND_ROWS * rowStride);
  for (let r0 = 0; r0 < h; r0 += BAND_ROWS) {
    const count = Math.min(BAND_ROWS, h - r0);
    for (let c = 0; c < bins; c++) {
      const from = c * 2 * h + 2 * r0;
      for (let i = 0; i < count; i++) {
        block[i * rowStride + 2 * c] = spectrum[from + 2 * i]!;
        block[i * rowStride + 2 * c + 1] = spectrum[from + 2 * i + 1]!;
      }
    }
    for (let i = 0; i < count; i += 2) {
      const r = r0 + i;
      const a = i * rowStride;
      const b = i + 1 < count ? (i + 1) * rowStride : -1;
      for (let k = 0; k < w; k++) {
        // Hermitian extension of each half spectrum; DC and Nyquist keep only their real parts
        const mirrored = k >= bins;
        const at = 2 * (mirrored ? w - k : k);
        const realOnly = k === 0 || k === nyquist;
        const ar = block[a + at]!;
        let ai = realOnly ? 0 : block[a + at + 1]!;
        const br = b < 0 ? 0 : block[b + at]!;
        let bi = b < 0 || realOnly ? 0 : block[b + at + 1]!;
        if (mirrored) {
          ai = -ai;
          bi = -bi;
        }
        z[2 * k] = ar - bi; // Z = A + iB
        z[2 * k + 1] = ai + br;
      }
      rowDft.transform(z, zOut);
      const outA = r * w;
      const outB = (r + 1) * w;
      for (let x = 0; x < w; x++) {
        out[outA + x] = zOut[2 * x]! * scale;
        if (b >= 0) out[outB + x] = zOut[2 * x + 1]! * scale;
      }
    }
  }
  return out;
}
