// What picking needs from a model: the preprocessing to replay and score maps (dense, and
// optionally strided). loadScoreModel adapts a cryopick .onnx picker to this interface.
import type { Image2D } from '../image/image.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { openPickerModel } from '../models/load-picker.js';
import { modelPreprocess, readModelFile, type ModelFile } from '../models/model-file.js';
import { readFile } from 'node:fs/promises';
import type { ScoreGrid } from './extract.js';
import type { Particle } from '../io/coords.js';
import { yoloFromFile } from '../models/yolo/load-yolo.js';
import { boxNms } from '../models/yolo/decode.js';
import { augmentedHead } from './box-tta.js';
import type { TestTimeAugmentation } from './tta.js';
import { YOLO_NMS_IOU } from '../models/yolo/spec.js';
import { trainedParticleCount } from './pick-count-check.js';

export interface ScoreModel {
  /** Preprocessing recorded at training time; picking replays it exactly. */
  readonly preprocess: PreprocessParams;
  /** Particle diameter in original pixels recorded by training, if any. */
  readonly particleDiameterPx?: number;
  /**
   * Scale-free (general) models: the particle diameter in working-grid pixels they work at; the
   * caller sets the dataset's diameter with atParticleScale (general-model.ts) before picking.
   */
  readonly canonicalDiameterGridPx?: number;
  /** Particles per micrograph the model was trained with (its training record), when known. */
  readonly trainedParticleCount?: number;
  /** Pixel size in Å of the training micrographs, when recorded. */
  readonly trainedPixelSizeA?: number;
  /** The network's receptive field in pixels of the preprocessed image, when known. */
  readonly receptiveFieldPx?: number;
  /** Dense logits, one per pixel of the preprocessed image. */
  scoreMap(image: Image2D): Promise<Float32Array>;
  /** Logits at the network's natural stride, when the model offers them. */
  scoreMapStrided?(image: Image2D): Promise<ScoreGrid>;
  /** 'yolo' for box detectors (picks come from detect, scores are confidences in [0, 1]); default 'topaz'. */
  readonly family?: 'topaz' | 'yolo';
  /**
   * Box detectors: every box of the preprocessed image with confidence ≥ `minScore` after box NMS,
   * centre and estimated width/height in its pixels.
   */
  detect?(image: Image2D, minScore: number, tta?: TestTimeAugmentation): Promise<Particle[]>;
  release?(): Promise<void>;
}

/**
 * Loads a cryopick .onnx picker as a ScoreModel.
 * @throws FormatError when the file is not a cryopick picker or lacks preprocessing metadata.
 */
export async function loadScoreModel(path: string, runtime: RuntimeOptions = {}): Promise<ScoreModel> {
  const bytes = new Uint8Array(await readFile(path));
  const file = readModelFile(bytes, path); // FormatError for non-cryopick files
  if (file.family === 'yolo') return yoloScoreModel(path, file, runtime);
  const picker = await openPickerModel(bytes, file, path, runtime);
  let preprocess: PreprocessParams;
  try {
    preprocess = modelPreprocess(picker.metadata, path);
  } catch (err) {
    await picker.release();
    throw err;
  }
  const diameter = picker.metadata.input.particleDiameter;
  const canonical = picker.metadata.input.canonicalDiameterGridPx;
  return {
    preprocess,
    ...(canonical === undefined ? {} : { canonicalDiameterGridPx: canonical }),
    ...(diameter === undefined ? {} : { particleDiameterPx: diameter }),
    ...trainedCounts(picker.metadata.training, picker.metadata.input.pixelSizeA),
    receptiveFieldPx: picker.model.receptiveField,
    scoreMap: (image) => picker.scoreMap(image),
    scoreMapStrided: (image) => picker.scoreMapStrided(image),
    release: () => picker.release(),
  };
}

/** A YOLO model as a ScoreModel: boxes through detect; scoreMap paints each cell's confidence logit. */
function yoloScoreModel(path: string, file: ModelFile & { readonly family: 'yolo' }, runtime: RuntimeOptions): ScoreModel {
  const model = yoloFromFile(file, path);
  const input = file.input;
  const preprocess = modelPreprocess({ input }, path);
  const diameter = input.particleDiameter;
  return {
    preprocess,
    family: 'yolo',
    ...(diameter === undefined ? {} : { particleDiameterPx: diameter }),
    ...trainedCounts(file.training, input.pixelSizeA),
    async scoreMap(image) {
      const { head, gw, gh } = await model.head(image, runtime);
      const s = model.stride;
      const out = new Float32Array(image.width * image.height);
      for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) out[y * image.width + x] = head[4 * gw * gh + Math.floor(y / s) * gw + Math.floor(x / s)] as number;
      return out;
    },
    async detect(image, minScore, tta = 'none') {
      const floor = Math.max(minScore, 1e-3);
      const boxes = tta === 'none' ? await model.detections(image, floor, runtime)
        : boxNms(model.decode(await augmentedHead(image, (im) => model.head(im, runtime), tta), image, floor), YOLO_NMS_IOU);
      return boxes.map((b) => ({ x: b.x, y: b.y, score: b.score, diameter: (b.w + b.h) / 2, width: b.w, height: b.h }));
    },
    release: () => model.release(),
  };
}

function trainedCounts(training: Readonly<Record<string, unknown>> | undefined, pixelSizeA: number | undefined): Pick<ScoreModel, 'trainedParticleCount' | 'trainedPixelSizeA'> {
  const n = trainedParticleCount(training);
  return { ...(n === undefined ? {} : { trainedParticleCount: n }), ...(pixelSizeA === undefined ? {} : { trainedPixelSizeA: pixelSizeA }) };
}
