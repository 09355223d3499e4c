// The fused training step: forward, loss, backward, optimizer update and BN running
// statistics in ONE session.run. Weights and optimizer state go in and come back as outputs.
import type { GraphBuilder, Var } from './builder.js';
import { gradients } from './backward.js';
import type { Feed } from './forward.js';
import { toTensors } from './forward.js';
import { serializeGraph } from './onnx-serialize.js';
import type { OptimizerConfig } from './optimizers.js';
import { clipGradients, emitUpdate, SCALAR_INPUTS, scalarFeeds, stateSlots } from './optimizers.js';
import type { ParamStore } from './params.js';
import type { RuntimeOptions, TensorData } from './runtime.js';
import { Session } from './runtime.js';

export interface TrainStepOptions {
  readonly optimizer: OptimizerConfig;
  /** Clip the global gradient norm to this value (default: no clipping). */
  readonly clipGradNorm?: number;
  /** Extra values returned by each step, e.g. { logits }. */
  readonly outputs?: Readonly<Record<string, Var>>;
  readonly runtime?: RuntimeOptions;
}

export interface StepResult {
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly outputs: Record<string, Float32Array>;
}

/** Optimizer state: step count and per-parameter slot arrays keyed `param::slot`. */
export interface OptimizerState {
  step: number;
  readonly slots: Map<string, Float32Array>;
}

/** A compiled fused train step bound to a ParamStore. */
export class TrainStep {
  readonly state: OptimizerState;
  constructor(
    private readonly session: Session,
    private readonly dataInputs: readonly Var[],
    private readonly params: readonly string[],
    private readonly slotNames: readonly string[],
    private readonly stateNames: readonly string[],
    private readonly extraOutputs: readonly string[],
    readonly store: ParamStore,
    readonly optimizer: OptimizerConfig,
    readonly modelBytes: Uint8Array,
  ) {
    const slots = new Map<string, Float32Array>();
    for (const p of params) {
      const n = (store.entries.get(p) as { data: Float32Array }).data.length;
      for (const s of slotNames) slots.set(`${p}::${s}`, new Float32Array(n));
    }
    this.state = { step: 0, slots };
  }

  /** Runs one step at learning rate `lr` (from a schedule); updates the store in place. */
  async run(feeds: Readonly<Record<string, Feed>>, lr: number): Promise<StepResult> {
    if (!Number.isFinite(lr) || lr < 0) throw new RangeError(`learning rate must be a finite number ≥ 0, got ${lr}`);
    const t: Record<string, TensorData> = toTensors(this.dataInputs, feeds);
    const step = this.state.step + 1;
    const sc = scalarFeeds(this.optimizer, lr, step);
    for (const k of SCALAR_INPUTS) t[k] = { data: Float32Array.of(sc[k]), dims: [] };
    for (const p of [...this.params, ...this.stateNames]) {
      const e = this.store.entries.get(p);
      if (!e) throw new RangeError(`parameter ${p} missing from the store`);
      t[p] = { data: e.data, dims: e.shape };
    }
    for (const [k, v] of this.state.slots) t[k] = { data: v, dims: (this.store.entries.get(k.split('::')[0] as string) as { shape: readonly number[] }).shape };
    const res = await this.session.run(t);
    const get = (k: string): Float32Array => {
      const v = res[k]?.data;
      if (!(v instanceof Float32Array)) throw new Error(`train step output ${k} missing`);
      return v;
    };
    for (const p of [...this.params, ...this.stateNames]) (this.store.entries.get(p) as { data: Float32Array }).data = get(`${p}::new`);
    for (const k of [...this.state.slots.keys()]) this.state.slots.set(k, get(`${k}::new`));
    this.state.step = step;
    const outputs: Record<string, Float32Array> = {};
    for (const k of this.extraOutputs) outputs[k] = get(k);
    return { loss: get('loss')[0] as number, gradNorm: get('grad_norm')[0] as number, outputs };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Compiles the fused train step of scalar `loss` over every trainable parameter the graph uses.
 * Graph inputs other than parameters must be fed by name to run().
 */
export async function compileTrainStep(loss: Var, store: ParamStore, o: TrainStepOptions): Promise<TrainStep> {
  const b: GraphBuilder = loss.b;
  const dataInputs = [...b.inputs];
  const trainable = [...b.params.values()].filter((p) => p.trainable).map((p) => p.var);
  const grads = gradients(loss, trainable);
  const slots = stateSlots(o.optimizer);
  const outputs: Record<string, Var> = { ...(o.outputs ?? {}) };
  b.untaped(() => {
    const scalars = Object.fromEntries(SCALAR_INPUTS.map((k) => [k, b.input(k, [])])) as Record<(typeof SCALAR_INPUTS)[number], Var>;
    const clipped = clipGradients(b, grads, o.clipGradNorm);
    trainable.forEach((p, i) => {
      const state = slots.map((s) => b.input(`${p.name}::${s}`, p.shape));
      const u = emitUpdate(o.optimizer, p, clipped.grads[i] as Var, state, scalars);
      outputs[`${p.name}::new`] = u.param;
      u.state.forEach((v, j) => (outputs[`${p.name}::${slots[j]}::new`] = v));
    });
    outputs['loss'] = loss;
    outputs['grad_norm'] = clipped.norm;
    for (const [name, v] of b.stateUpdates) outputs[`${name}::new`] = v;
  });
  const bytes = serializeGraph(b, { outputs, graphName: 'train_step' });
  const session = await Session.create(bytes, o.runtime ?? {});
  return new TrainStep(session, dataInputs, trainable.map((p) => p.name), slots, [...b.stateUpdates.keys()], Object.keys(o.outputs ?? {}), store, o.optimizer, bytes);
}
