// The last step of the simulator: scales the CTF-filtered particle signal and the noise fields to
// the requested SNR at the dose's Poisson variance, and adds background, contaminants and noise.
import type { SimRandom } from './_random.js';
import { maskedVariance } from './snr.js';

export interface FormImageInput {
  /** CTF-filtered projected potential of the particles (arbitrary units). */
  readonly particles: Float32Array;
  /** CTF-filtered projected potential of junk, crystals and carbon, same units. */
  readonly contaminants: Float32Array;
  /** CTF-coloured Gaussian field for structural noise. */
  readonly structural: Float32Array;
  /** Independent CTF-coloured field used as carbon-film texture. */
  readonly carbonTexture: Float32Array;
  /** Relative uneven-ice variation (zero mean). */
  readonly ice: Float32Array;
  /** Relative intensity change from scattering loss (crystals, carbon). */
  readonly amplitude: Float32Array;
  readonly carbonMask: Float32Array;
  /** Pixels inside particle disks, where the signal variance is measured. */
  readonly particleMask: Uint8Array;
  /** Mean counts per pixel (dose · pixel size²); also the total noise variance. */
  readonly meanCounts: number;
  readonly snr: number;
  readonly structuralNoiseFraction: number;
  readonly shotRng: SimRandom;
}

export interface FormedImage {
  readonly data: Float32Array;
  readonly signal: Float32Array;
  readonly noise: Float32Array;
  readonly background: Float32Array;
  readonly meanCounts: number;
}

const scaleFor = (target: number, actual: number): number => (actual > 0 ? Math.sqrt(target / actual) : 0);

/**
 * image = background + signal + noise, in counts, with
 * background = mean·(1 + ice + amplitude) − k·contaminants + t·carbonMask·carbonTexture,
 * signal = −k·particles (dark particles), Var_mask(signal) = snr·mean,
 * noise = −a·structural + b·shot, Var(noise) = mean (structural share as requested), where shot
 * noise is white Gaussian with variance following the local background (Poisson-like).
 */
export function formImage(inp: FormImageInput): FormedImage {
  const n = inp.particles.length;
  const noiseVar = inp.meanCounts;
  const k = scaleFor(inp.snr * noiseVar, maskedVariance(inp.particles, inp.particleMask));
  const a = scaleFor(inp.structuralNoiseFraction * noiseVar, maskedVariance(inp.structural));
  // carbon texture: half the noise variance again, only on the film
  const t = scaleFor(0.5 * noiseVar, maskedVariance(inp.carbonTexture));
  const signal = new Float32Array(n);
  const background = new Float32Array(n);
  const shot = new Float64Array(n);
  inp.shotRng.fillNormal(shot);
  for (let i = 0; i < n; i++) {
    signal[i] = -k * inp.particles[i]!;
    const bg = inp.meanCounts * (1 + inp.ice[i]! + inp.amplitude[i]!) - k * inp.contaminants[i]! + t * inp.carbonMask[i]! * inp.carbonTexture[i]!;
    background[i] = bg;
    shot[i]! *= Math.sqrt(Math.max(bg, 0) / inp.meanCounts);
  }
  const b = scaleFor((1 - inp.structuralNoiseFraction) * noiseVar, maskedVariance(shot));
  // reuse the shot buffer for the total noise
  for (let i = 0; i < n; i++) shot[i] = -a * inp.structural[i]! + b * shot[i]!;
  // remove the small cross-term so the total noise variance is exactly the target
  const fix = scaleFor(noiseVar, maskedVariance(shot)) || 1;
  const noise = new Float32Array(n);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    noise[i] = shot[i]! * fix;
    data[i] = background[i]! + signal[i]! + noise[i]!;
  }
  return { data, signal, noise, background, meanCounts: inp.meanCounts };
}
