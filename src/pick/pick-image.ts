// Picks one micrograph: replay the model's preprocessing, compute the (dense or strided) score
// map, extract every detection above the floor in original pixels.
import type { Image2D } from '../image/image.js';
import { preprocessImageDetailed } from '../image/preprocess.js';
import type { ScoreModel } from './score-model.js';
import { extractParticles, type ScoreGrid } from './extract.js';
import type { MicrographDetections } from './detections.js';

export type InferenceMode = 'dense' | 'strided';

export interface PickImageOptions {
  /** Minimum distance between centres, original pixels. */
  readonly minDistancePx: number;
  /** Lowest logit kept (the re-thresholding floor). */
  readonly floor: number;
  /** Border to exclude, original pixels (default 0). */
  readonly borderPx?: number;
  /** 'dense' (one logit per preprocessed pixel) or 'strided' (the network's stride + sub-pixel refinement). */
  readonly inference: InferenceMode;
  /** Recorded on every particle (original pixels). */
  readonly diameterPx?: number;
  /** Override the default refinement (on for strided, off for dense). */
  readonly refine?: boolean;
}

/** Picks one image; the returned detections are in original-micrograph pixels, descending score. */
export async function pickImage(name: string, image: Image2D, model: ScoreModel, options: PickImageOptions): Promise<MicrographDetections> {
  const { image: pre, plan } = preprocessImageDetailed(image, model.preprocess);
  let grid: ScoreGrid;
  if (options.inference === 'strided') {
    if (!model.scoreMapStrided) throw new RangeError('this model offers no strided score map; use dense inference');
    grid = await model.scoreMapStrided(pre);
  } else {
    grid = { data: await model.scoreMap(pre), width: pre.width, height: pre.height, stride: 1 };
  }
  const particles = extractParticles(grid, {
    minDistancePx: options.minDistancePx,
    threshold: options.floor,
    factorX: plan.factorX,
    factorY: plan.factorY,
    originalWidth: image.width,
    originalHeight: image.height,
    ...(options.borderPx === undefined ? {} : { borderPx: options.borderPx }),
    ...(options.refine === undefined ? {} : { refine: options.refine }),
    ...(options.diameterPx === undefined ? {} : { diameterPx: options.diameterPx }),
  });
  return { micrograph: name, width: image.width, height: image.height, floor: options.floor, particles };
}
