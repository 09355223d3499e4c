// The registry of classifier model types.
import type { ModelType } from '../config-schema.js';
import { attentionCnnLstm, cnnLstm } from './cnn-lstm.js';
import { encoder } from './encoder.js';
import { deepEm, deepPicker } from './particle-nets.js';
import { resnet } from './resnet.js';
import type { ModelSpec } from './spec.js';

export const MODEL_SPECS: Readonly<Record<ModelType, ModelSpec>> = {
  cnn_lstm: cnnLstm, attention_cnn_lstm: attentionCnnLstm, encoder, resnet, deeppicker: deepPicker, deepem: deepEm,
};
export { defaultParams, learningRate } from './spec.js';
export type { ModelSpec } from './spec.js';
export type { Ctx } from './layers.js';
