// A micrograph after the model's preprocessing, with what picking needs to map results back to
// original pixels: the only hand-over between reading/preprocessing and scoring, so the two can
// run in different threads (prepare-pool.ts). MRC files are downsampled band by band while they
// are read, so the full-size image is never built (allocating 64 MB per 4096² micrograph cost
// more CPU than reading it).
import type { Image2D } from '../image/image.js';
import { planDownsample, rowDownsampler, type DownsamplePlan, type RowDownsampler } from '../image/downsample.js';
import { makeSpectralFilter } from '../image/filter.js';
import { normalizeImage } from '../image/normalize.js';
import { preprocessImageDetailed } from '../image/preprocess.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import { micrographKind, micrographReader, permissiveWarning } from '../io/micrograph.js';
import { streamMicrographRows } from '../io/micrograph-rows.js';

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

/**
 * Reads the micrograph at `path` and preprocesses it as prepareMicrograph does, with the same
 * numbers bit for bit and the same errors and `--permissive` warnings (sent to `warn`, naming the
 * file). MRC files are streamed through the downsampling; a file with NaN/±Inf pixels, and other
 * formats, are read whole.
 */
export async function readPrepared(path: string, preprocess: PreprocessParams, permissive: boolean, warn: (message: string) => void): Promise<PreparedMicrograph> {
  const whole = async (): Promise<PreparedMicrograph> => prepareMicrograph(await micrographReader(permissive, warn)(path), preprocess);
  if (micrographKind(path) !== 'mrc') return whole();
  const warnings: string[] = [];
  let sink: RowDownsampler | undefined;
  let plan: DownsamplePlan | undefined;
  let nonFinite = 0;
  const shape = await streamMicrographRows(path, ({ width, height, pixelSizeA }) => {
    plan = planDownsample(width, height, pixelSizeA, preprocess.downsample);
    const filter = makeSpectralFilter(preprocess.lowpass, preprocess.highpass, pixelSizeA === undefined ? undefined : pixelSizeA * plan.factorX);
    const s = rowDownsampler(width, height, pixelSizeA, plan, filter);
    sink = s;
    return (rows, count) => {
      // v − v is 0 for finite values and NaN otherwise
      for (let i = 0; i < count * width; i++) if (rows[i]! - rows[i]! !== 0) nonFinite++;
      if (nonFinite === 0) s.addRows(rows, count);
    };
  }, { permissive, onWarning: (w) => warnings.push(permissiveWarning(path, w)) });
  // NaN/±Inf: the whole-image path gives the strict reader's located error, or replaces them with its warnings
  if (nonFinite > 0 || sink === undefined || plan === undefined) return whole();
  warnings.forEach(warn);
  const { image: pre } = normalizeImage(sink.result(), preprocess.normalize, preprocess.invert);
  return { width: shape.width, height: shape.height, pre, plan };
}
