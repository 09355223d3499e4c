// A micrograph after the model's preprocessing, with what picking needs to map results back to
// original pixels: the only hand-over between reading/preprocessing and scoring, so the two can
// run in different threads (prepare-pool.ts).
import type { Image2D } from '../image/image.js';
import type { DownsamplePlan } from '../image/downsample.js';
import { preprocessImageDetailed } from '../image/preprocess.js';
import type { PreprocessParams } from '../image/preprocess-params.js';

export interface PreparedMicrograph {
  /** Size of the original micrograph, pixels. */
  readonly width: number;
  readonly height: number;
  /** The preprocessed (downsampled, normalised) image the network sees. */
  readonly pre: Image2D;
  readonly plan: DownsamplePlan;
}

/** Preprocesses `image` as `preprocess` says (the model's recorded preprocessing). */
export function prepareMicrograph(image: Image2D, preprocess: PreprocessParams): PreparedMicrograph {
  const { image: pre, plan } = preprocessImageDetailed(image, preprocess);
  return { width: image.width, height: image.height, pre, plan };
}
