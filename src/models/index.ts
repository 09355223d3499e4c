// Public API of the picker model architectures (re-exports only).
export * from './topaz/spec.js';
export { buildNetwork, buildNetworkParts } from './topaz/network.js';
export { buildDecoder, decoderGeometry } from './topaz/decoder.js';
export type { DecoderConfig } from './topaz/decoder.js';
export type { NetworkOptions } from './topaz/network.js';
export { PickerModel } from './picker-model.js';
export { MODEL_FILE_VERSION, readModelFile, type ModelFile, type ModelInput } from './model-file.js';
export type { PickerMetadata, ExportMetadata } from './picker-model.js';
export { loadPickerModel } from './load-picker.js';
export type { LoadedPicker, ScoreMapOptions, StridedScoreMap } from './load-picker.js';
