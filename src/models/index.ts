// Public API of the picker model architectures (re-exports only).
export * from './topaz/spec.js';
export { buildNetwork, buildNetworkParts } from './topaz/network.js';
export { buildDecoder, decoderGeometry } from './topaz/decoder.js';
export type { DecoderConfig } from './topaz/decoder.js';
export type { NetworkOptions } from './topaz/network.js';
export { PickerModel, MODEL_FORMAT_VERSION } from './picker-model.js';
export type { PickerMetadata, ExportMetadata } from './picker-model.js';
export { loadPickerModel } from './load-picker.js';
export type { LoadedPicker, ScoreMapOptions, StridedScoreMap } from './load-picker.js';
