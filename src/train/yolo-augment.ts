// crYOLO's training augmentation of one crop, each applied at random per presentation: Gaussian
// blur (σ 0–3) or average blur (mask 2–7), Gaussian noise (σ up to half the crop's), pixel dropout
// (1–10 % set to the mean) and a random contrast change. Flips and 90° rotations are done by the
// sampler (they move the boxes too).
import type { Random } from '../random.js';

function gaussian(rng: Random): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Separable convolution of an n×n block with a symmetric or box kernel (edges repeated). */
function convolveSeparable(a: Float32Array, off: number, n: number, kernel: readonly number[], origin: number): void {
  const tmp = new Float32Array(n * n);
  const k = kernel.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += (kernel[t] as number) * (a[off + i * n + Math.min(n - 1, Math.max(0, j + t - origin))] as number);
      tmp[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += (kernel[t] as number) * (tmp[Math.min(n - 1, Math.max(0, i + t - origin)) * n + j] as number);
      a[off + i * n + j] = s;
    }
  }
}

export function gaussianKernel(sigma: number): number[] {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = k.reduce((p, q) => p + q, 0);
  return k.map((v) => v / s);
}

export interface AugmentChances {
  readonly blur: number;
  readonly noise: number;
  readonly dropout: number;
  readonly contrast: number;
}

export const CRYOLO_CHANCES: AugmentChances = { blur: 0.5, noise: 0.5, dropout: 0.5, contrast: 0.5 };

/** Augments the n×n crop at `off` in place. */
export function augmentCrop(a: Float32Array, off: number, n: number, rng: Random, chances: AugmentChances = CRYOLO_CHANCES): void {
  const len = n * n;
  let mean = 0;
  let sq = 0;
  for (let i = 0; i < len; i++) { const v = a[off + i] as number; mean += v; sq += v * v; }
  mean /= len;
  const std = Math.sqrt(Math.max(0, sq / len - mean * mean));
  if (rng.next() < chances.blur) {
    if (rng.next() < 0.5) {
      const sigma = rng.next() * 3;
      if (sigma > 0.2) convolveSeparable(a, off, n, gaussianKernel(sigma), Math.ceil(3 * sigma));
    } else {
      const m = 2 + rng.int(6);
      convolveSeparable(a, off, n, new Array<number>(m).fill(1 / m), m >> 1);
    }
  }
  if (rng.next() < chances.noise) {
    const s = rng.next() * 0.5 * std;
    for (let i = 0; i < len; i++) a[off + i] = (a[off + i] as number) + s * gaussian(rng);
  }
  if (rng.next() < chances.dropout) {
    const frac = 0.01 + rng.next() * 0.09;
    const count = Math.round(frac * len);
    for (let c = 0; c < count; c++) a[off + rng.int(len)] = mean;
  }
  if (rng.next() < chances.contrast) {
    const f = 0.5 + rng.next();
    for (let i = 0; i < len; i++) a[off + i] = ((a[off + i] as number) - mean) * f + mean;
  }
}
