// A classifier network of one model type and hyperparameter set: its weights, the fused train step
// (cross-entropy on softmax, or DeepEM's squared error on sigmoid outputs) and the inference graph.
import {
  GraphBuilder, ParamStore, compileForward, div, reduceSum, compileTrainStep, meanSquaredError, serializeGraph, sigmoid, softmax,
  sparseCategoricalCrossEntropy,
} from '../engine/index.js';
import type { CompiledForward, TrainStep, Var } from '../engine/index.js';
import type { ParamSet } from '../tune/space.js';
import type { ModelSpec } from './models/index.js';

export class ClassifierNet {
  readonly store: ParamStore;
  constructor(readonly spec: ModelSpec, readonly hp: ParamSet, readonly itemShape: readonly number[], readonly classes: number, seed: number, readonly threads = 0) {
    this.store = new ParamStore(seed);
  }

  private runtime(): { threads?: number } {
    return this.threads > 0 ? { threads: this.threads } : {};
  }

  private graph(batch: number, training: boolean): { b: GraphBuilder; logits: Var } {
    const b = new GraphBuilder();
    const x = b.input('x', [batch, 1, ...this.itemShape]);
    const logits = this.spec.build({ b, s: this.store, training }, x, this.hp, this.classes);
    return { b, logits };
  }

  /** Creates every weight (by building the graph once) without compiling anything. */
  initialize(batch = 2): void {
    this.graph(batch, true);
  }

  async compileTrain(batch: number): Promise<TrainStep> {
    const { b, logits } = this.graph(batch, true);
    const y = b.input('y', [batch, this.classes]);
    const loss = this.spec.loss === 'cross-entropy' ? sparseCategoricalCrossEntropy(logits, y) : meanSquaredError(sigmoid(logits), y);
    return compileTrainStep(loss, this.store, { optimizer: { kind: 'adam' }, outputs: { logits }, runtime: this.runtime() });
  }

  async compileEval(batch: number): Promise<CompiledForward> {
    const { b, logits } = this.graph(batch, false);
    return compileForward(b, { logits }, this.store, this.runtime());
  }

  /** The inference model as ONNX bytes: input x [N, 1, ...item] → probabilities [N, K], weights embedded. */
  exportOnnx(batch: number, metadata: Readonly<Record<string, string>>): Uint8Array {
    const { b, logits } = this.graph(batch, false);
    const sig = sigmoid(logits);
    const probabilities = this.spec.loss === 'cross-entropy' ? softmax(logits, 1) : div(sig, reduceSum(sig, [1], true));
    return serializeGraph(b, { outputs: { probabilities }, paramValues: this.store.values(), metadata, graphName: `classifier_${this.spec.type}` });
  }
}

/** Per-item probabilities from logits: softmax, or normalised sigmoids for the squared-error model. */
export function probabilitiesOf(logits: Float32Array, classes: number, loss: ModelSpec['loss']): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length / classes; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    if (loss === 'cross-entropy') {
      const m = Math.max(...row);
      let z = 0;
      for (let k = 0; k < classes; k++) z += Math.exp((row[k] as number) - m);
      for (let k = 0; k < classes; k++) out[i * classes + k] = Math.exp((row[k] as number) - m) / z;
    } else {
      let z = 0;
      for (let k = 0; k < classes; k++) z += 1 / (1 + Math.exp(-(row[k] as number)));
      for (let k = 0; k < classes; k++) out[i * classes + k] = 1 / (1 + Math.exp(-(row[k] as number))) / z;
    }
  }
  return out;
}
