// The simulator's signal-to-noise ratio, defined once here and used both to set the noise level
// and to measure it: SNR = variance of the particle signal over the pixels inside the particle
// disks, divided by the variance of the noise over the whole image.
import type { PlacedParticle } from './layout.js';

/** 1 for pixels whose centre lies inside the disk (diameter = particle diameter) of any particle. */
export function particleMask(particles: readonly PlacedParticle[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const p of particles) {
    const r = p.diameterPx / 2;
    const y0 = Math.max(0, Math.ceil(p.y - r));
    const y1 = Math.min(height - 1, Math.floor(p.y + r));
    for (let y = y0; y <= y1; y++) {
      const half = Math.sqrt(Math.max(0, r * r - (y - p.y) ** 2));
      const x0 = Math.max(0, Math.ceil(p.x - half));
      const x1 = Math.min(width - 1, Math.floor(p.x + half));
      for (let x = x0; x <= x1; x++) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** Variance of `values` over the pixels where `mask` is 1 (all pixels when no mask). */
export function maskedVariance(values: ArrayLike<number>, mask?: Uint8Array): number {
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i]!;
    n++;
    sum += v;
    sum2 += v * v;
  }
  if (n < 2) return 0;
  const mean = sum / n;
  return Math.max(0, sum2 / n - mean * mean);
}

/** SNR = var(signal inside `mask`) / var(noise over the image). */
export function measureSnr(signal: ArrayLike<number>, noise: ArrayLike<number>, mask: Uint8Array): number {
  const vn = maskedVariance(noise);
  return vn > 0 ? maskedVariance(signal, mask) / vn : Infinity;
}
