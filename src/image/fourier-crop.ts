// Fourier cropping: resample an image to a smaller grid by keeping only the low-frequency block of
// its spectrum (the band-limited downsampling Topaz and RELION use), optionally applying a spectral
// filter on the way. Only the kept columns are transformed along y, so 4096² → 1024² is cheap.
import type { Image2D } from './image.js';
import { makeImage } from './image.js';
import { PartialDft, RealRowDft } from './fft.js';

/** A filter's amplitude response at frequency (fx, fy), in signed cycles per output pixel. */
export type SpectralFilter = (fx: number, fy: number) => number;

const COLUMN_BLOCK = 8; // columns gathered together so each cache line of the spectrum is read once

/** Signed frequency index of row r of an h-point spectrum in numpy's fftfreq order. */
export function signedFrequency(r: number, h: number): number {
  return r < Math.ceil(h / 2) ? r : r - h;
}

/**
 * Resamples `image` to outWidth × outHeight by Fourier cropping, with numpy `irfft2(crop(rfft2(x)))`
 * semantics: rows keep frequencies −⌊h/2⌋..⌈h/2⌉−1, columns 0..⌊w/2⌋, and the result is rescaled
 * so the mean is preserved. The pixel size (if known) grows by width/outWidth.
 * @throws RangeError when the output is larger than the input or not a positive integer size.
 */
export function fourierCrop(image: Image2D, outWidth: number, outHeight: number, filter?: SpectralFilter): Image2D {
  const { width: W, height: H } = image;
  const w = outWidth;
  const h = outHeight;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > W || h > H) {
    throw new RangeError(`Fourier crop needs an output size within 1x1..${W}x${H}, got ${w}x${h}`);
  }
  const bins = Math.floor(w / 2) + 1;
  const spectrum = forwardCropped(image, h, bins);
  if (filter !== undefined) applyFilter(spectrum, w, h, bins, filter);
  const out = inverseReal(spectrum, w, h, bins, 1 / (W * H));
  const pixelSizeA = image.pixelSizeA === undefined ? undefined : (image.pixelSizeA * W) / w;
  return makeImage(w, h, out, pixelSizeA);
}

/** Real FFT of every row (keeping `bins` columns), then DFTs of those columns at the h kept rows. */
function forwardCropped(image: Image2D, h: number, bins: number): Float64Array {
  const { width: W, height: H, data } = image;
  const rowStride = 2 * bins;
  const rows = new Float64Array(H * rowStride);
  const rowDft = new RealRowDft(W, bins);
  for (let r = 0; r < H; r += 2) {
    const second = r + 1 < H ? r + 1 : undefined;
    rowDft.transform(data, r, second, rows, r * rowStride, second === undefined ? undefined : rows, (r + 1) * rowStride);
  }
  const first = -Math.floor(h / 2);
  const colDft = new PartialDft(H, first, h);
  const cropped = new Float64Array(h * rowStride);
  const colIn = Array.from({ length: COLUMN_BLOCK }, () => new Float64Array(2 * H));
  const colOut = new Float64Array(2 * h);
  const targetRow = Array.from({ length: h }, (_, j) => (((first + j) % h) + h) % h);
  for (let c0 = 0; c0 < bins; c0 += COLUMN_BLOCK) {
    const nb = Math.min(COLUMN_BLOCK, bins - c0);
    for (let r = 0; r < H; r++) {
      const base = r * rowStride + 2 * c0;
      for (let b = 0; b < nb; b++) {
        const col = colIn[b]!;
        col[2 * r] = rows[base + 2 * b]!;
        col[2 * r + 1] = rows[base + 2 * b + 1]!;
      }
    }
    for (let b = 0; b < nb; b++) {
      colDft.transform(colIn[b]!, colOut);
      const c = c0 + b;
      for (let j = 0; j < h; j++) {
        const at = targetRow[j]! * rowStride + 2 * c;
        cropped[at] = colOut[2 * j]!;
        cropped[at + 1] = colOut[2 * j + 1]!;
      }
    }
  }
  return cropped;
}

function applyFilter(spectrum: Float64Array, w: number, h: number, bins: number, filter: SpectralFilter): void {
  for (let r = 0; r < h; r++) {
    const fy = signedFrequency(r, h) / h;
    for (let c = 0; c < bins; c++) {
      const g = filter(c / w, fy);
      const at = 2 * (r * bins + c);
      spectrum[at] = spectrum[at]! * g;
      spectrum[at + 1] = spectrum[at + 1]! * g;
    }
  }
}

/** Inverse: complex DFTs down the kept columns, then real-output DFTs of the rows (two per pass). */
function inverseReal(spectrum: Float64Array, w: number, h: number, bins: number, scale: number): Float32Array {
  const rowStride = 2 * bins;
  const colDft = new PartialDft(h, 0, h, 1);
  const colBuf = new Float64Array(2 * h);
  const colOut = new Float64Array(2 * h);
  for (let c = 0; c < bins; c++) {
    for (let r = 0; r < h; r++) {
      colBuf[2 * r] = spectrum[r * rowStride + 2 * c]!;
      colBuf[2 * r + 1] = spectrum[r * rowStride + 2 * c + 1]!;
    }
    colDft.transform(colBuf, colOut);
    for (let r = 0; r < h; r++) {
      spectrum[r * rowStride + 2 * c] = colOut[2 * r]!;
      spectrum[r * rowStride + 2 * c + 1] = colOut[2 * r + 1]!;
    }
  }
  const out = new Float32Array(w * h);
  const rowDft = new PartialDft(w, 0, w, 1);
  const z = new Float64Array(2 * w);
  const zOut = new Float64Array(2 * w);
  const nyquist = w % 2 === 0 ? w / 2 : -1;
  for (let r = 0; r < h; r += 2) {
    const a = r * rowStride;
    const b = r + 1 < h ? (r + 1) * rowStride : -1;
    for (let k = 0; k < w; k++) {
      // Hermitian extension of each half spectrum; DC and Nyquist keep only their real parts
      const mirrored = k >= bins;
      const at = 2 * (mirrored ? w - k : k);
      const realOnly = k === 0 || k === nyquist;
      const ar = spectrum[a + at]!;
      let ai = realOnly ? 0 : spectrum[a + at + 1]!;
      const br = b < 0 ? 0 : spectrum[b + at]!;
      let bi = b < 0 || realOnly ? 0 : spectrum[b + at + 1]!;
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
  return out;
}
