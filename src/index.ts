// Public API of the cryopick package (re-exports only): file formats, preprocessing, the
// simulator, training, picking, evaluation, tuning, and the engine for custom models.
export * from './errors.js';
export * from './image/image.js';
export * from './io/coords.js';
export { writeFileAtomic, writeFileAtomicSync, FileExistsError } from './io/atomic-write.js';
export { readMicrograph } from './io/micrograph.js';
export { readMrc, readMrcSection, writeMrc, validateMrc, inspectMrc } from './io/mrc.js';
export { encodePng, writePng, readRaster } from './io/raster.js';
export { readTiff } from './io/tiff.js';
export { readCoordinates, writeCoordinates, COORDINATE_FORMATS, type CoordinateFormat } from './io/coordinate-formats.js';
export { parsePreprocessParams, defaultPreprocessParams, type PreprocessParams } from './image/preprocess-params.js';
export { preprocessImage } from './image/preprocess.js';
export { simulateMicrograph, simulateDataset, PRESETS } from './sim/index.js';
export { trainPicker, parseTrainParams, type TrainParams, type TrainResult } from './train/index.js';
export { loadScoreModel, type ScoreModel } from './pick/score-model.js';
export { pickMicrographs } from './pick/pick-run.js';
export { nonMaximumSuppression } from './pick/nms.js';
export { evaluatePicks, type EvaluationReport } from './eval/evaluate.js';
export { runDemo, type DemoSummary } from './demo/run-demo.js';
