// The PickerNet used by the trainer, built on the engine: a Topaz detector (src/models/topaz)
// compiled into one fused Adam train step with our loss, a filled (dense) evaluation graph per
// micrograph size, checkpoints, and the .onnx export (input image [N,1,H,W] → logits [N,1,H,W]).
import { readFile } from 'node:fs/promises';
import { GraphBuilder } from '../engine/builder.js';
import { compileForward, type CompiledForward } from '../engine/forward.js';
import type { ParamStore } from '../engine/params.js';
import { pad } from '../engine/ops/shape.js';
import { compileTrainStep, type TrainStep } from '../engine/train-step.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { ConfigError, FormatError } from '../errors.js';
import { describeFsError } from '../io/fs-errors.js';
import type { Image2D } from '../image/image.js';
import { buildNetwork, buildNetworkParts } from '../models/topaz/network.js';
import { defaultConfig, type PickerModelConfig } from '../models/topaz/spec.js';
import { PickerModel } from '../models/picker-model.js';
import { readModelFile } from '../models/model-file.js';
import { buildLossGraph } from './loss-graph.js';
import { reconstructionError, withAutoencoder } from './autoencoder.js';
import type { LossSettings } from './loss-reference.js';
import type { PickerNet, StepOutput } from './net.js';
import type { TrainParams } from './params.js';
import { NetCheckpoints } from './net-checkpoint.js';

/** The engine's model configuration for the training parameters. */
export function modelConfig(p: Pick<TrainParams, 'model' | 'units' | 'unitScaling' | 'batchNorm' | 'dropout' | 'pooling'>): PickerModelConfig {
  return defaultConfig(p.model, {
    units: p.units, unitScaling: p.unitScaling, batchNorm: p.batchNorm, dropout: p.dropout,
    pooling: p.pooling === 'average' ? 'avg' : p.pooling,
  });
}

/** Whether dense (filled) training can express this model: pooling, dropout and the autoencoder need patches. */
export function denseCapable(p: Pick<TrainParams, 'pooling' | 'dropout' | 'autoencoderWeight'>): boolean {
  return p.pooling === 'none' && p.dropout === 0 && p.autoencoderWeight === 0;
}

/**
 * Builds the network and its parameters (from `p.init` when fine-tuning).
 * @throws ConfigError when the init model's architecture differs from the requested one.
 */
export async function createPickerNet(p: TrainParams, loss: LossSettings, _outDir: string): Promise<PickerNet> {
  const cfg = modelConfig(p);
  const model = PickerModel.create(cfg, p.seed);
  const store = model.store;
  const rf = model.receptiveField;
  const half = Math.floor(rf / 2);
  if (p.init) await loadInit(store, p.init, p.model);
  else initClassifierBias(store, loss.pi);
  const runtime: RuntimeOptions = p.threads > 0 ? { threads: p.threads } : {};
  const dense = p.mode === 'dense';
  let step: { key: string; ts: TrainStep; lossFeeds: ReturnType<typeof buildLossGraph>['feedsFor'] } | undefined;
  const checkpoints = new NetCheckpoints(store);
  const evals = new Map<string, CompiledForward>();

  const net: PickerNet = {
    receptiveField: rf,
    outputSize: (crop) => crop - rf + 1,
    async trainStep(x, batch, side, labels, lr): Promise<StepOutput> {
      const key = `${batch}x${side}`;
      if (!step || step.key !== key) {
        await step?.ts.release();
        const b = new GraphBuilder();
        const xin = b.input('x', [batch, 1, side, side]);
        const { features, logits } = buildNetworkParts(b, store, cfg, xin, { mode: 'train', fill: dense });
        const lab = b.input('labels', [logits.size]);
        // Dense batches: scale the GE-binomial penalty to a 256-sample Topaz batch (loss-reference.ts).
        const lg = buildLossGraph(b, logits, lab, dense ? { ...loss, penaltyScale: Math.min(1, 256 / logits.size) } : loss);
        const recon = p.autoencoderWeight > 0 ? reconstructionError(b, store, features, xin, rf, p.encoderUnits) : undefined;
        const objective = recon ? withAutoencoder(lg.objective, recon, p.autoencoderWeight) : lg.objective;
        const ts = await compileTrainStep(objective, store, {
          optimizer: { kind: 'adam', ...(p.l2 > 0 ? { weightDecay: p.l2 } : {}) },
          outputs: { reported: lg.reported, probs: lg.probs, ...(lg.penalty ? { penalty: lg.penalty } : {}), ...(recon ? { recon } : {}) },
          runtime,
        });
        step = { key, ts, lossFeeds: lg.feedsFor };
        checkpoints.applyTo(ts);
      }
      const feeds: Record<string, Float32Array> = { x, labels };
      for (const [k, v] of step.lossFeeds(labels)) feeds[k] = v.data;
      const r = await step.ts.run(feeds, lr);
      const pen = r.outputs['penalty'];
      const rec = r.outputs['recon'];
      return {
        ...(rec ? { reconError: rec[0] as number } : {}),
        objective: r.loss, reported: (r.outputs['reported'] as Float32Array)[0] as number,
        ...(pen ? { penalty: pen[0] as number } : {}), probs: r.outputs['probs'] as Float32Array,
      };
    },
    async scoreMap(image: Image2D): Promise<Float32Array> {
      const key = `${image.width}x${image.height}`;
      let f = evals.get(key);
      if (!f) {
        const b = new GraphBuilder();
        const xin = b.input('image', [1, 1, image.height, image.width]);
        const logits = b.untaped(() => buildNetwork(b, store, cfg, pad(xin, [0, 0, half, half, 0, 0, half, half]), { mode: 'eval', fill: true }));
        f = await compileForward(b, { logits }, store, runtime);
        evals.set(key, f);
      }
      const out = await f.run({ image: image.data });
      return out['logits'] as Float32Array;
    },
    snapshot: () => new Map([...store.entries].map(([k, e]) => [k, Float32Array.from(e.data)])),
    restore: (w) => store.load(w),
    saveCheckpoint: (path, rngState, runId) => checkpoints.save(path, step?.ts, rngState, runId),
    loadCheckpoint: (path) => checkpoints.load(path),
    async exportOnnx(path, weights, metadata) {
      store.load(weights);
      await model.exportOnnx(path, metadata, { overwrite: true });
    },
    async release() {
      await step?.ts.release();
      for (const f of evals.values()) await f.release();
    },
  };
  return net;
}

/**
 * Starts the classifier's bias at logit(prior) so that the first predictions already match the
 * expected fraction of particle pixels (the "prior initialisation" of detection heads). From a
 * zero bias every pixel starts at p = 0.5 and the GE penalty spends hundreds of steps pushing the
 * whole map down before the labelled positives can teach anything (measured in the issue note).
 */
export function initClassifierBias(store: ParamStore, prior: number): void {
  const e = store.entries.get('classifier.b');
  if (!e || !(prior > 0)) return;
  const q = Math.min(Math.max(prior, 1e-4), 0.5);
  e.data.fill(Math.log(q / (1 - q)));
}

async function loadInit(store: ParamStore, path: string, arch: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw describeFsError(err, path, '--init: cannot read');
  }
  let file;
  try {
    file = readModelFile(bytes, path);
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError({ path }, `--init: ${err.detail}; give a model written by cryopick train`);
    throw err;
  }
  const got = file.config.arch;
  const missing = [...store.entries.keys()].filter((k) => file.weights.get(k)?.length !== store.entries.get(k)?.data.length);
  if (got !== arch || missing.length > 0) {
    throw new ConfigError([{ path: 'init', message: `${path} is a ${got} model whose weights do not fit ${arch} with these units/options (${missing.length} tensors differ); use the same --model, --units and --batch-norm` }]);
  }
  store.load(file.weights);
}
