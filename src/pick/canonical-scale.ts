// The general model's canonical scale: every micrograph is Fourier-cropped so the particle spans
// CANONICAL_DIAMETER_GRID_PX working-grid pixels, whatever its pixel size and size in Å.
import type { PreprocessParams } from '../image/preprocess-params.js';

/**
 * Particle diameter in working-grid pixels at the canonical scale. Measured on EMPIAR-10028 `valid`
 * (BENCHMARKS.md, "Training settings chosen on validation data"): a 56 px particle downsampled 3×
 * (18.7 px) beat 4× (14 px) and 2× (28 px) for two seeds each; 18 px also keeps a ResNet8 receptive
 * field (71 px) at about four diameters of context.
 */
export const CANONICAL_DIAMETER_GRID_PX = 18;

/** The Fourier-crop factor that brings a particle of `diameterPx` original pixels to the canonical scale (1 = no cropping when smaller). */
export function canonicalFactor(diameterPx: number, canonicalPx = CANONICAL_DIAMETER_GRID_PX): number {
  return Math.max(1, diameterPx / canonicalPx);
}

/** A model's preprocessing with the downsampling replaced by the canonical Fourier crop for `diameterPx`. */
export function canonicalPreprocess(base: PreprocessParams, diameterPx: number, canonicalPx = CANONICAL_DIAMETER_GRID_PX): PreprocessParams {
  const factor = canonicalFactor(diameterPx, canonicalPx);
  return { ...base, downsample: factor === 1 ? { kind: 'none' } : { kind: 'factor', factor, method: 'fourier' } };
}
