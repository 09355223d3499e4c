// The general (zero-label) model shipped in the package: where its file is, and how a scale-free
// model is set to a dataset's particle size (the canonical Fourier crop replaces its downsampling).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnavailableError } from '../errors.js';
import type { ScoreModel } from './score-model.js';
import { canonicalFactor, canonicalPreprocess } from './canonical-scale.js';

/**
 * Default border of `cryopick pick`, × the particle diameter: no pick whose box (one diameter
 * across) would leave the micrograph, since no extraction can use it. Measured on validation
 * micrographs (BENCHMARKS.md, "General model").
 */
export const DEFAULT_BORDER_FRACTION = 0.5;

/** Fixed threshold (logit) of the general model where the score distribution cannot be used (--watch, too few detections): p = 0.5 of its PN training. */
export const GENERAL_FIXED_THRESHOLD = 0;

/** The name `--model` takes for the shipped model (also the default of `cryopick pick`). */
export const GENERAL_MODEL = 'general';

/** The shipped file: models/general.onnx at the package root (dist/src/pick → ../../../models). */
export function generalModelPath(): string {
  return fileURLToPath(new URL('../../../models/general.onnx', import.meta.url));
}

/** The model file a `--model` value names: the shipped general model for `general` (or no value). @throws UnavailableError when it is missing from this install */
export function resolveModelPath(model: string | undefined): string {
  if (model !== undefined && model !== GENERAL_MODEL) return model;
  const path = generalModelPath();
  if (!existsSync(path)) throw new UnavailableError(`the general model is missing from this installation (expected ${path}); reinstall cryopick, or give --model with a trained model`);
  return path;
}

/** True when the model works at the canonical scale and needs the particle diameter to pick. */
export function isScaleFree(model: ScoreModel): boolean {
  return model.canonicalDiameterGridPx !== undefined;
}

/** A scale-free model set to particles of `diameterPx` original pixels (other models are returned unchanged). */
export function atParticleScale(model: ScoreModel, diameterPx: number): ScoreModel {
  const canonical = model.canonicalDiameterGridPx;
  if (canonical === undefined) return model;
  return { ...model, preprocess: canonicalPreprocess(model.preprocess, diameterPx, canonical), particleDiameterPx: diameterPx };
}

/** Working-grid size of an image of width × height at the canonical scale for `diameterPx`. */
export function canonicalGridSize(width: number, height: number, diameterPx: number, canonical: number): { width: number; height: number } {
  const f = canonicalFactor(diameterPx, canonical);
  return { width: Math.round(width / f), height: Math.round(height / f) };
}
