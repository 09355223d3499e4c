// Image formation steps of the simulator that work on whole fields: Fourier-space filtering of
// two real images at once (CTF + blur), CTF-coloured Gaussian noise fields, and the smooth
// uneven-ice background.
import type { SimRandom } from './_random.js';
import { fft2dInPlace, frequencyIndex, nextPowerOfTwo } from './_fft2d.js';
import { electronWavelengthA, type CtfParams } from './ctf.js';

/**
 * Samples the CTF (with its B-factor envelope) on an FFT grid of w2 × h2 with pixel size
 * `pixelSizeA`: the same function as ctfEvaluator, evaluated without atan2 and with a single sine
 * (√(1−w²)·sin χ + w·cos χ = sin(χ + asin w)), since this runs for every frequency.
 */
export function sampleCtf(p: CtfParams, w2: number, h2: number, pixelSizeA: number): Float32Array {
  const out = new Float32Array(w2 * h2);
  const lambda = electronWavelengthA(p.voltageKv);
  const c2 = Math.PI * lambda;
  const c4 = (Math.PI / 2) * p.sphericalAberrationMm * 1e7 * lambda ** 3;
  const phase = Math.asin(p.amplitudeContrast);
  const mean = (p.defocusUA + p.defocusVA) / 2;
  const half = (p.defocusUA - p.defocusVA) / 2;
  const ang = (2 * p.astigmatismAngleDeg * Math.PI) / 180;
  const ca = Math.cos(ang);
  const sa = Math.sin(ang);
  const ex = envelope1d(w2, pixelSizeA, p.bFactorA2 / 4);
  const ey = envelope1d(h2, pixelSizeA, p.bFactorA2 / 4);
  const value = (ix: number, iy: number): number => {
    const kx = frequencyIndex(ix, w2) / (w2 * pixelSizeA);
    const ky = frequencyIndex(iy, h2) / (h2 * pixelSizeA);
    const k2 = kx * kx + ky * ky;
    // cos 2(θ − a) = cos 2θ cos 2a + sin 2θ sin 2a, with cos 2θ = (kx² − ky²)/k², sin 2θ = 2 kx ky / k²
    const df = k2 > 0 ? mean + (half * ((kx * kx - ky * ky) * ca + 2 * kx * ky * sa)) / k2 : mean;
    const chi = c2 * df * k2 - c4 * k2 * k2;
    return Math.sin(chi + phase) * ex[ix]! * ey[iy]!;
  };
  // The CTF is even (H(−k) = H(k)). Filtering two real images packed as re + i·im needs the
  // sampled filter to be exactly even on the grid, (i, j) ↔ (−i mod n, −j mod n), so rows
  // 0..h2/2 are computed and the rest mirrored; on the self-mirrored rows 0 and h2/2 the columns
  // past w2/2 are mirrored too (at Nyquist, −k aliases to a different continuous frequency).
  for (let iy = 0; iy <= h2 / 2; iy++) {
    for (let ix = 0; ix < w2; ix++) out[iy * w2 + ix] = value(ix, iy);
  }
  for (const iy of [0, h2 / 2]) {
    for (let ix = w2 / 2 + 1; ix < w2; ix++) out[iy * w2 + ix] = out[iy * w2 + w2 - ix]!;
  }
  for (let iy = h2 / 2 + 1; iy < h2; iy++) {
    const src = (h2 - iy) * w2;
    const dst = iy * w2;
    out[dst] = out[src]!;
    for (let ix = 1; ix < w2; ix++) out[dst + ix] = out[src + w2 - ix]!;
  }
  return out;
}

/** exp(−c·k²) along one FFT axis: Gaussian factors are separable, so 2D = product of two 1D tables. */
function envelope1d(n: number, pixelSizeA: number, c: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = frequencyIndex(i, n) / (n * pixelSizeA);
    out[i] = Math.exp(-c * k * k);
  }
  return out;
}

/** A transfer function on the padded FFT grid, optionally times a Gaussian blur. */
export interface FourierFilter {
  /** Values on the w2 × h2 grid of nextPowerOfTwo(width) × nextPowerOfTwo(height). */
  readonly transfer: Float32Array;
  readonly pixelSizeA: number;
  /** Extra Gaussian blur (standard deviation, Å); 0 for none. */
  readonly blurSigmaA: number;
}

function applyFilter(buf: Float64Array, w2: number, h2: number, f: FourierFilter): void {
  if (f.transfer.length !== w2 * h2) throw new RangeError(`filter has ${f.transfer.length} values, expected ${w2 * h2}`);
  const g = 2 * Math.PI * Math.PI * f.blurSigmaA * f.blurSigmaA;
  const bx = envelope1d(w2, f.pixelSizeA, g);
  const by = envelope1d(h2, f.pixelSizeA, g);
  for (let iy = 0; iy < h2; iy++) {
    const row = iy * w2;
    const fy = by[iy]!;
    for (let ix = 0; ix < w2; ix++) {
      const h = f.transfer[row + ix]! * bx[ix]! * fy;
      const i = 2 * (row + ix);
      buf[i]! *= h;
      buf[i + 1]! *= h;
    }
  }
}

/**
 * Filters two real width×height images with the same real, even transfer function using one
 * complex FFT pair (re = a, im = b); returns the filtered images. The grid is padded to powers of
 * two with zeros; the convolution is otherwise circular.
 */
export function filterPair(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  width: number,
  height: number,
  filter: FourierFilter,
): { a: Float32Array; b: Float32Array } {
  const w2 = nextPowerOfTwo(width);
  const h2 = nextPowerOfTwo(height);
  const buf = new Float64Array(2 * w2 * h2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 2 * (y * w2 + x);
      buf[i] = a[y * width + x]!;
      buf[i + 1] = b[y * width + x]!;
    }
  }
  fft2dInPlace(buf, w2, h2, false);
  applyFilter(buf, w2, h2, filter);
  fft2dInPlace(buf, w2, h2, true);
  return unpackPair(buf, w2, width, height);
}

/**
 * Two independent stationary Gaussian fields whose power spectrum is |filter|²: circular complex
 * white noise is shaped in Fourier space and inverse-transformed; its real and imaginary parts are
 * independent real fields. Generated on the padded grid, so there are no edge effects.
 */
export function colouredNoisePair(
  width: number,
  height: number,
  filter: FourierFilter,
  rng: SimRandom,
): { a: Float32Array; b: Float32Array } {
  const w2 = nextPowerOfTwo(width);
  const h2 = nextPowerOfTwo(height);
  const buf = new Float64Array(2 * w2 * h2);
  rng.fillNormal(buf);
  applyFilter(buf, w2, h2, filter);
  fft2dInPlace(buf, w2, h2, true);
  return unpackPair(buf, w2, width, height);
}

/**
 * Uneven ice: relative intensity variation from a few long-wavelength plane waves (wavelengths
 * 0.5–3 image sizes), scaled to the requested peak-to-peak amplitude and zero mean.
 */
export function iceBackground(width: number, height: number, peakToPeak: number, rng: SimRandom): Float32Array {
  const out = new Float32Array(width * height);
  if (peakToPeak <= 0) return out;
  const size = Math.max(width, height);
  const waves = Array.from({ length: 6 }, () => {
    const wl = rng.range(0.5, 3) * size;
    const dir = rng.range(0, 2 * Math.PI);
    return { kx: (Math.cos(dir) * 2 * Math.PI) / wl, ky: (Math.sin(dir) * 2 * Math.PI) / wl, phase: rng.range(0, 2 * Math.PI), amp: rng.range(0.3, 1) };
  });
  // cos(kx·x + ky·y + φ) = cos(kx·x)·cos(ky·y + φ) − sin(kx·x)·sin(ky·y + φ): tables per axis
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  const tables = waves.map((w) => ({
    cx: Float64Array.from({ length: width }, (_, x) => w.amp * Math.cos(w.kx * x)),
    sx: Float64Array.from({ length: width }, (_, x) => w.amp * Math.sin(w.kx * x)),
  }));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let k = 0; k < waves.length; k++) {
      const w = waves[k]!;
      const { cx, sx } = tables[k]!;
      const cy = Math.cos(w.ky * y + w.phase);
      const sy = Math.sin(w.ky * y + w.phase);
      for (let x = 0; x < width; x++) out[row + x]! += cx[x]! * cy - sx[x]! * sy;
    }
    for (let x = 0; x < width; x++) {
      const v = out[row + x]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      sum += v;
    }
  }
  const mean = sum / out.length;
  const scale = hi > lo ? peakToPeak / (hi - lo) : 0;
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - mean) * scale;
  return out;
}

/** Splits the real and imaginary parts of the top-left width×height corner of a padded complex grid. */
function unpackPair(buf: Float64Array, w2: number, width: number, height: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(width * height);
  const b = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 2 * (y * w2 + x);
      a[y * width + x] = buf[i]!;
      b[y * width + x] = buf[i + 1]!;
    }
  }
  return { a, b };
}
