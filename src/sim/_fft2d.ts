// Private 2D complex FFT for the simulator (fft.js rows then columns) on power-of-two grids,
// with the inverse normalised by 1/(width·height). Data is interleaved re, im, row-major.
import FFT from 'fft.js';

const plans = new Map<number, FFT>();

function plan(n: number): FFT {
  let p = plans.get(n);
  if (!p) {
    p = new FFT(n);
    plans.set(n, p);
  }
  return p;
}

/** The smallest power of two >= n (and >= 2). */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** In-place 2D transform of interleaved complex data of `width`×`height` (powers of two). */
export function fft2dInPlace(data: Float64Array, width: number, height: number, inverse: boolean): void {
  if (data.length !== 2 * width * height) throw new RangeError(`fft2d: expected ${2 * width * height} values, got ${data.length}`);
  const rowPlan = plan(width);
  const rowIn = new Float64Array(2 * width);
  const rowOut = new Float64Array(2 * width);
  for (let y = 0; y < height; y++) {
    const off = 2 * width * y;
    rowIn.set(data.subarray(off, off + 2 * width));
    if (inverse) rowPlan.inverseTransform(rowOut, rowIn);
    else rowPlan.transform(rowOut, rowIn);
    data.set(rowOut, off);
  }
  const colPlan = plan(height);
  const colIn = new Float64Array(2 * height);
  const colOut = new Float64Array(2 * height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const i = 2 * (y * width + x);
      colIn[2 * y] = data[i]!;
      colIn[2 * y + 1] = data[i + 1]!;
    }
    if (inverse) colPlan.inverseTransform(colOut, colIn);
    else colPlan.transform(colOut, colIn);
    for (let y = 0; y < height; y++) {
      const i = 2 * (y * width + x);
      data[i] = colOut[2 * y]!;
      data[i + 1] = colOut[2 * y + 1]!;
    }
  }
}

/** Signed frequency index of bin `i` on an `n`-point grid (0, 1, …, n/2−1, −n/2, …, −1). */
export function frequencyIndex(i: number, n: number): number {
  return i < n / 2 ? i : i - n;
}
