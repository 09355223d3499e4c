// Reading a cryopick YOLO .onnx back into a YoloModel (architecture from the metadata, weights
// from the initializers), with one clear error for anything else.
import { FormatError } from '../../errors.js';
import type { ParsedModel } from '../../engine/onnx-serialize.js';
import type { YoloConfig } from './spec.js';
import { YoloModel } from './yolo-model.js';

/** Whether a parsed cryopick model is of the yolo family. */
export function isYoloModel(parsed: Pick<ParsedModel, 'metadata'>): boolean {
  return parsed.metadata['cryopick.family'] === 'yolo';
}

/** @throws FormatError naming `path` when the architecture or the weights do not fit. */
export function yoloFromParsed(parsed: ParsedModel, path: string): YoloModel {
  let model: YoloModel;
  try {
    model = YoloModel.create(JSON.parse(parsed.metadata['cryopick.architecture'] ?? '') as YoloConfig);
  } catch (err) {
    throw new FormatError({ path }, `metadata cryopick.architecture is not a valid YOLO model (${err instanceof Error ? err.message : String(err)})`);
  }
  const missing = [...model.store.entries].filter(([k, e]) => parsed.initializers.get(k)?.data.length !== e.data.length).map(([k]) => k);
  if (missing.length) throw new FormatError({ path }, `weights missing or of the wrong size for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  model.store.load(new Map([...parsed.initializers].map(([k, v]) => [k, v.data])), false);
  return model;
}
