// A picker model: architecture config + parameters, its compiled graphs, and the standard
// .onnx export (filled inference net with symbolic N/H/W and cryopick metadata properties).
import { GraphBuilder } from '../engine/builder.js';
import type { Var } from '../engine/builder.js';
import { compileForward } from '../engine/forward.js';
import { pad } from '../engine/ops/shape.js';
import type { CompiledForward } from '../engine/forward.js';
import { serializeGraph } from '../engine/onnx-serialize.js';
import { ParamStore } from '../engine/params.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { modelFileProperties, type ModelFileDraft, type ModelFileMetadata } from './model-file.js';
import { buildNetwork, buildNetworkParts } from './topaz/network.js';
import type { NetworkOptions } from './topaz/network.js';
import type { PickerModelConfig } from './topaz/spec.js';
import { featureChannels, geometryOf, layerStack, validateConfig } from './topaz/spec.js';

/** What the .onnx metadata says about the model, besides its weights (see model-file.ts). */
export type PickerMetadata = ModelFileMetadata;

/** What exportOnnx writes besides the architecture (the model-file schema's draft). */
export type ExportMetadata = ModelFileDraft;

export class PickerModel {
  constructor(
    readonly config: PickerModelConfig,
    readonly store: ParamStore,
  ) {
    validateConfig(config);
  }

  /** A freshly initialised model (He/Xavier with a seedable RNG). */
  static create(config: PickerModelConfig, seed = 0): PickerModel {
    const m = new PickerModel(config, new ParamStore(seed));
    const rf = m.receptiveField;
    const b = new GraphBuilder();
    m.forward(b.input('x', [1, 1, rf, rf]), { mode: 'eval', fill: false });
    return m;
  }

  get receptiveField(): number {
    return geometryOf(layerStack(this.config)).receptiveField;
  }
  get stride(): number {
    return geometryOf(layerStack(this.config)).stride;
  }

  /** Emits the network on x [N, 1, H, W] into x's graph; returns logits [N, 1, H', W']. */
  forward(x: Var, o: NetworkOptions): Var {
    return buildNetwork(x.b, this.store, this.config, x, o);
  }

  /** Like forward, also returning the features before the classifier ([N, F, H', W']; the autoencoder latent). */
  forwardParts(x: Var, o: NetworkOptions): { features: Var; logits: Var } {
    return buildNetworkParts(x.b, this.store, this.config, x, o);
  }

  /** Channels of the feature map feeding the 1×1 classifier. */
  get featureChannels(): number {
    return featureChannels(layerStack(this.config));
  }

  /** Compiles an evaluation/inference forward for a fixed input shape (weights fed from the store). */
  async compileForward(shape: readonly [number, number, number, number], o: NetworkOptions, runtime: RuntimeOptions = {}): Promise<CompiledForward> {
    const b = new GraphBuilder();
    const logits = this.forward(b.input('image', shape), o);
    return compileForward(b, { logits }, this.store, runtime);
  }

  /** The filled inference graph as .onnx bytes: input image [N,1,H,W], output logits [N,1,H,W]. */
  toOnnx(meta: ExportMetadata = {}): Uint8Array {
    const rf = this.receptiveField;
    const r = (rf - 1) / 2;
    const b = new GraphBuilder();
    const image = b.input('image', [1, 1, rf + 8, rf + 8]);
    // Zero padding inside the model: logits have the image's size, one per pixel (Topaz extract).
    const logits = this.forward(pad(image, [0, 0, r, r, 0, 0, r, r]), { mode: 'eval', fill: true });
    const metadata = modelFileProperties({
      family: 'topaz', config: this.config, receptiveField: rf, stride: this.stride, paramCount: this.store.countTrainable(),
      graph: 'filled: image [N,1,H,W] -> logits [N,1,H,W], zero padding of (rf-1)/2 inside the model',
    }, meta);
    return serializeGraph(b, {
      outputs: { logits },
      paramValues: this.store.values(),
      dims: { image: ['N', 1, 'H', 'W'], logits: ['N', 1, 'H', 'W'] },
      metadata,
      graphName: `cryopick_${this.config.arch}`,
    });
  }

  /** Writes the .onnx model file (atomic; refuses to overwrite unless told). */
  async exportOnnx(path: string, meta: ExportMetadata = {}, opts: { overwrite?: boolean } = {}): Promise<void> {
    await writeFileAtomic(path, this.toOnnx(meta), opts);
  }
}
