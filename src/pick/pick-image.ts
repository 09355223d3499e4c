// Picks one micrograph: replay the model's preprocessing, compute the (dense or strided) score
// map, extract every detection above the floor in original pixels. Scoring and extraction are
// separate steps so one score map can be extracted at several settings.
import type { Image2D } from '../image/image.js';
import { ShapeError } from '../errors.js';
import { gridFrame } from '../image/downsample.js';
import { ORIGINAL_FRAME, lengthInFrame, type Frame } from '../io/coords.js';
import type { ScoreModel } from './score-model.js';
import { extractParticles, type ScoreGrid } from './extract.js';
import type { MicrographDetections } from './detections.js';
import { augmentedScoreGrid, type TestTimeAugmentation } from './tta.js';
import { smoothScoreGrid } from './smooth.js';
import { pickPreparedBoxes } from './pick-boxes.js';
import { prepareMicrograph, type PreparedMicrograph } from './prepared.js';

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
  /** Average the scores over flips / the 8 symmetries of the square (default none). */
  readonly testTimeAugmentation?: TestTimeAugmentation;
  /** σ in original pixels of the Gaussian that smooths the score map before peak finding (default 0 = none). */
  readonly smoothingPx?: number;
  /** Box detectors: keep boxes whose estimated size (original pixels) is at least / at most this. */
  readonly minSizePx?: number;
  readonly maxSizePx?: number;
}

/** Margin (rf − 1) of models that return the unpadded ("valid") map, learnt on first use. */
const validMargins = new WeakMap<ScoreModel, number>();

function padImage(image: Image2D, pad: number): Image2D {
  const width = image.width + 2 * pad;
  const data = new Float32Array(width * (image.height + 2 * pad)); // zeros = the normalised mean
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (y + pad) * width + pad);
  return { width, height: image.height + 2 * pad, data };
}

/**
 * One logit per preprocessed pixel. A model whose map is smaller by rf − 1 per axis (no padding)
 * gets the image zero-padded by (rf − 1)/2, as the filled network does itself, so particles near
 * the edges are scored too.
 */
async function denseGrid(model: ScoreModel, image: Image2D): Promise<ScoreGrid> {
  const { width, height } = image;
  const margin = validMargins.get(model);
  const data = await model.scoreMap(margin ? padImage(image, margin / 2) : image);
  if (data.length === width * height) return { data, width, height, stride: 1 };
  if (margin === undefined) {
    for (let k = 2; k < Math.min(width, height); k += 2) {
      if ((width - k) * (height - k) !== data.length) continue;
      validMargins.set(model, k);
      return denseGrid(model, image);
    }
  }
  throw new ShapeError(`the model returned ${data.length} scores for a ${width}x${height} image; expected ${width * height}`);
}

/** A micrograph's score map with what is needed to map it back to original pixels. */
export interface ScoredImage {
  readonly grid: ScoreGrid;
  /** The frame of the score map's input image (the downsampling plan's grid). */
  readonly frame: Frame<'grid'>;
  readonly width: number;
  readonly height: number;
}

type ScoreOptions = Pick<PickImageOptions, 'inference' | 'testTimeAugmentation' | 'smoothingPx'>;

/**
 * Preprocesses `image` as the model was trained and computes its (dense or strided, optionally
 * augmented, optionally smoothed) score map.
 */
export async function scoreImage(image: Image2D, model: ScoreModel, options: ScoreOptions, name = 'the micrograph'): Promise<ScoredImage> {
  return scorePrepared(prepareMicrograph(image, model.preprocess), model, options, name);
}

/** scoreImage on a micrograph already preprocessed the model's way (e.g. in a worker thread). */
export async function scorePrepared(prepared: PreparedMicrograph, model: ScoreModel, options: ScoreOptions, name = 'the micrograph'): Promise<ScoredImage> {
  const { pre, plan } = prepared;
  const image = prepared;
  const rf = model.receptiveFieldPx;
  if (rf !== undefined && (pre.width < rf || pre.height < rf)) {
    throw new ShapeError(`${name}: ${image.width} x ${image.height} px (${pre.width} x ${pre.height} at the model's working scale) is smaller than the network's receptive field of ${rf} x ${rf} px at that scale (${Math.ceil(rf * plan.factorX)} x ${Math.ceil(rf * plan.factorY)} original px): too small to pick`);
  }
  let score: (image: Image2D) => Promise<ScoreGrid>;
  if (options.inference === 'strided') {
    const strided = model.scoreMapStrided?.bind(model);
    if (!strided) throw new RangeError('this model offers no strided score map; use dense inference');
    score = strided;
  } else {
    score = (img) => denseGrid(model, img);
  }
  const grid = await augmentedScoreGrid(pre, score, options.testTimeAugmentation ?? 'none');
  return smoothScored({ grid, frame: gridFrame(plan), width: image.width, height: image.height }, options.smoothingPx ?? 0);
}

/** The scored micrograph with its map smoothed by a Gaussian of σ `smoothingPx` original pixels (0 = unchanged). */
export function smoothScored(scored: ScoredImage, smoothingPx: number): ScoredImage {
  if (smoothingPx === 0) return scored;
  return { ...scored, grid: smoothScoreGrid(scored.grid, lengthInFrame(smoothingPx, ORIGINAL_FRAME, scored.frame) / scored.grid.stride) };
}

/** The detections of a scored micrograph (NMS, floor, border), in original pixels, descending score. */
export function detectionsOf(name: string, scored: ScoredImage, options: Omit<PickImageOptions, keyof ScoreOptions>): MicrographDetections {
  const particles = extractParticles(scored.grid, {
    minDistancePx: options.minDistancePx,
    threshold: options.floor,
    frame: scored.frame,
    originalWidth: scored.width,
    originalHeight: scored.height,
    ...(options.borderPx === undefined ? {} : { borderPx: options.borderPx }),
    ...(options.refine === undefined ? {} : { refine: options.refine }),
    ...(options.diameterPx === undefined ? {} : { diameterPx: options.diameterPx }),
  });
  return { micrograph: name, width: scored.width, height: scored.height, floor: options.floor, particles };
}

/** Picks one image; the returned detections are in original-micrograph pixels, descending score. */
export async function pickImage(name: string, image: Image2D, model: ScoreModel, options: PickImageOptions): Promise<MicrographDetections> {
  return pickPrepared(name, prepareMicrograph(image, model.preprocess), model, options);
}

/** pickImage on a micrograph already preprocessed the model's way. */
export async function pickPrepared(name: string, prepared: PreparedMicrograph, model: ScoreModel, options: PickImageOptions): Promise<MicrographDetections> {
  if (model.detect) return pickPreparedBoxes(name, prepared, model, options);
  return detectionsOf(name, await scorePrepared(prepared, model, options, name), options);
}
