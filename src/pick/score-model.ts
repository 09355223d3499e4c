// What picking needs from a model: the preprocessing to replay and score maps (dense, and
// optionally strided). loadScoreModel adapts a cryopick .onnx picker to this interface.
import type { Image2D } from '../image/image.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { loadPickerModel } from '../models/load-picker.js';
import { modelPreprocess } from '../models/model-file.js';
import type { ScoreGrid } from './extract.js';

export interface ScoreModel {
  /** Preprocessing recorded at training time; picking replays it exactly. */
  readonly preprocess: PreprocessParams;
  /** Particle diameter in original pixels recorded by training, if any. */
  readonly particleDiameterPx?: number;
  /** Dense logits, one per pixel of the preprocessed image. */
  scoreMap(image: Image2D): Promise<Float32Array>;
  /** Logits at the network's natural stride, when the model offers them. */
  scoreMapStrided?(image: Image2D): Promise<ScoreGrid>;
  release?(): Promise<void>;
}

/**
 * Loads a cryopick .onnx picker as a ScoreModel.
 * @throws FormatError when the file is not a cryopick picker or lacks preprocessing metadata.
 */
export async function loadScoreModel(path: string, runtime: RuntimeOptions = {}): Promise<ScoreModel> {
  const picker = await loadPickerModel(path, runtime); // FormatError for non-cryopick files
  let preprocess: PreprocessParams;
  try {
    preprocess = modelPreprocess(picker.metadata, path);
  } catch (err) {
    await picker.release();
    throw err;
  }
  const diameter = picker.metadata.input.particleDiameter;
  return {
    preprocess,
    ...(diameter === undefined ? {} : { particleDiameterPx: diameter }),
    scoreMap: (image) => picker.scoreMap(image),
    scoreMapStrided: (image) => picker.scoreMapStrided(image),
    release: () => picker.release(),
  };
}
