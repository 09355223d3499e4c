// Building a YoloModel from a cryopick model file of the yolo family (architecture from the
// metadata, weights from the initializers), with one clear error for anything else.
import { FormatError } from '../../errors.js';
import type { ModelFile } from '../model-file.js';
import type { YoloConfig } from './spec.js';
import { YoloModel } from './yolo-model.js';

/** @throws FormatError naming `path` when the architecture or the weights do not fit. */
export function yoloFromFile(file: ModelFile & { readonly family: 'yolo'; readonly config: YoloConfig }, path: string): YoloModel {
  let model: YoloModel;
  try {
    model = YoloModel.create(file.config);
  } catch (err) {
    throw new FormatError({ path }, `metadata cryopick.architecture is not a valid YOLO model (${err instanceof Error ? err.message : String(err)})`);
  }
  const missing = [...model.store.entries].filter(([k, e]) => file.weights.get(k)?.length !== e.data.length).map(([k]) => k);
  if (missing.length) throw new FormatError({ path }, `weights missing or of the wrong size for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  model.store.load(file.weights, false);
  return model;
}
