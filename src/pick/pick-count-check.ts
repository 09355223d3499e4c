// Picks that cannot be right because there are far too many: a model trained at another pixel scale
// than the data (e.g. on binned micrographs, picking unbinned ones) finds particles everywhere. The
// count the model was trained with comes from its `cryopick.training` record.

/** Picks per micrograph above this multiple of the trained count draw a warning. */
export const PICK_COUNT_FACTOR = 3;

/** Particles per micrograph the model was trained with, when its training record says. */
export function trainedParticleCount(training: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const direct = training?.['expectedParticles'];
  const params = training?.['params'];
  const given = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['expectedParticles'] : undefined;
  const n = typeof direct === 'number' ? direct : typeof given === 'number' ? given : undefined;
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

export interface PickCountContext {
  readonly perMicrograph: number;
  readonly trained: number | undefined;
  readonly threshold: number;
  /** Pixel size of the training micrographs (Å), when the model records it. */
  readonly trainedPixelSizeA?: number;
}

/** The warning when picks per micrograph exceed 3× the trained count, else undefined. */
export function pickCountWarning(c: PickCountContext): string | undefined {
  if (c.trained === undefined || !(c.perMicrograph > PICK_COUNT_FACTOR * c.trained)) return undefined;
  const scale = c.trainedPixelSizeA === undefined ? 'another pixel size' : `another pixel size than the model's ${c.trainedPixelSizeA} Å/px`;
  return `${c.perMicrograph.toFixed(1)} picks per micrograph at score >= ${c.threshold}, more than ${PICK_COUNT_FACTOR}× the ${+c.trained.toFixed(1)} ` +
    `per micrograph the model was trained with: the likely cause is micrographs at ${scale} or binning than the training data ` +
    '(pick micrographs prepared like the training ones, or train on these); a low --threshold also finds more';
}
