// Picking with a box detector (the yolo family): replay the preprocessing, detect boxes (NMS on
// IoU inside the model adapter), scale centres and estimated sizes to original pixels, and apply
// the floor, the border and crYOLO's size filter (--min-size / --max-size on the mean of the
// estimated width and height).
import type { Image2D } from '../image/image.js';
import { prepareMicrograph, type PreparedMicrograph } from './prepared.js';
import type { Particle } from '../io/coords.js';
import type { MicrographDetections } from './detections.js';
import type { ScoreModel } from './score-model.js';
import type { TestTimeAugmentation } from './tta.js';

export interface BoxPickOptions {
  /** Lowest confidence kept (values below 0.001 keep every box the model proposes). */
  readonly floor: number;
  /** Border to exclude, original pixels (default 0). */
  readonly borderPx?: number;
  /** Keep boxes whose estimated size (mean of width and height, original pixels) is at least / at most this. */
  readonly minSizePx?: number;
  readonly maxSizePx?: number;
  /** Average the head over flips / the 8 symmetries of the square before decoding (default none). */
  readonly testTimeAugmentation?: TestTimeAugmentation;
}

/** Lowest confidence a box detector is asked for: below it boxes are noise. */
export const BOX_SCORE_FLOOR = 1e-3;

/** Detections of one micrograph by a box detector, in original pixels, descending score. */
export async function pickBoxes(name: string, image: Image2D, model: ScoreModel, o: BoxPickOptions): Promise<MicrographDetections> {
  return pickPreparedBoxes(name, prepareMicrograph(image, model.preprocess), model, o);
}

/** pickBoxes on a micrograph already preprocessed the model's way. */
export async function pickPreparedBoxes(name: string, prepared: PreparedMicrograph, model: ScoreModel, o: BoxPickOptions): Promise<MicrographDetections> {
  if (!model.detect) throw new RangeError('this model detects no boxes');
  const { pre, plan } = prepared;
  const image = prepared;
  const fx = plan.factorX;
  const fy = plan.factorY;
  const found = await model.detect(pre, Math.max(o.floor, BOX_SCORE_FLOOR), o.testTimeAugmentation ?? 'none');
  const border = o.borderPx ?? 0;
  const particles: Particle<'original'>[] = [];
  for (const b of found) {
    const x = b.x * fx;
    const y = b.y * fy;
    if (x < border || y < border || x > image.width - 1 - border || y > image.height - 1 - border) continue;
    const width = (b.width ?? 0) * fx;
    const height = (b.height ?? 0) * fy;
    const size = (width + height) / 2;
    if (o.minSizePx !== undefined && size < o.minSizePx) continue;
    if (o.maxSizePx !== undefined && size > o.maxSizePx) continue;
    if ((b.score ?? 0) < o.floor) continue;
    particles.push({ x, y, score: b.score ?? 0, diameter: size, width, height });
  }
  particles.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  return { micrograph: name, width: image.width, height: image.height, floor: o.floor, particles };
}
