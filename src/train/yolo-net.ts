// The PickerNet of the yolo family: crYOLO's network (src/models/yolo) compiled into one fused
// Adam step with the YOLO loss, per-size evaluation forwards, box detection with NMS,
// checkpoints and the .onnx export. The trainer, checkpoints, resume and plots are shared.
import { GraphBuilder } from '../engine/builder.js';
import { compileTrainStep, type TrainStep } from '../engine/train-step.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import type { Image2D } from '../image/image.js';
import { buildYolo } from '../models/yolo/network.js';
import { defaultYoloConfig, gridStride, type YoloConfig } from '../models/yolo/spec.js';
import { YoloModel } from '../models/yolo/yolo-model.js';
import type { PickerNet, StepOutput } from './net.js';
import type { TrainParams } from './params.js';
import { buildYoloLoss } from './yolo-loss.js';
import { TARGET_CHANNELS } from './yolo-targets.js';
import { NetCheckpoints } from './net-checkpoint.js';
import { Random } from '../random.js';
import { addAverages, averageDecay, averagedWeights, emitAverageUpdates, withAveragedWeights } from './weight-average.js';

/** The yolo model configuration of the training parameters (anchor in downsampled pixels). */
export function yoloConfig(p: Pick<TrainParams, 'passthrough' | 'widthMultiplier' | 'particleDiameter' | 'downsample'>): YoloConfig {
  return defaultYoloConfig({ passthrough: p.passthrough, width: p.widthMultiplier, anchor: (p.particleDiameter ?? 32 * p.downsample) / p.downsample });
}

/** The dropout draws of update `step`: a function of the seed and the step only, so a resumed run repeats them. */
function dropoutNoise(seed: number, step: number, n: number): Float32Array {
  const rng = new Random(((seed >>> 0) * 0x9e3779b1 + step * 0x85ebca6b + 1) >>> 0);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.next();
  return out;
}

export async function createYoloNet(p: TrainParams): Promise<PickerNet> {
  const cfg = yoloConfig(p);
  const model = YoloModel.create(cfg, p.seed);
  const store = model.store;
  const runtime: RuntimeOptions = p.threads > 0 ? { threads: p.threads } : {};
  const stride = gridStride(cfg);
  const warmupSteps = p.warmupEpochs * p.epochSize;
  const weights = { object: p.objectWeight, noObject: p.noObjectWeight, coord: p.coordWeight };
  // noise: the size of the fed dropout draws of this step's graph
  let step: { key: string; ts: TrainStep; noise: number } | undefined;
  const checkpoints = new NetCheckpoints(store);
  // with weight averaging, evaluation, snapshots and the export use the averaged weights
  const averaging = p.weightAverage > 0;
  if (averaging) addAverages(store);
  const evaluated = <T>(fn: () => Promise<T>): Promise<T> => (averaging ? withAveragedWeights(store, fn) : fn());
  const evalHead = (image: Image2D) => evaluated(() => model.head(image, runtime));

  const net: PickerNet = {
    receptiveField: 1,
    outputSize: (crop) => crop / stride,
    async trainStep(x, batch, side, labels, lr, targets): Promise<StepOutput> {
      if (!targets) throw new Error('the yolo family trains on encoded box targets');
      const key = `${batch}x${side}`;
      if (!step || step.key !== key) {
        await step?.ts.release();
        const b = new GraphBuilder();
        const head = buildYolo(b, store, cfg, b.input('x', [batch, 1, side, side]), { mode: 'train', dropoutNoise: (shape) => b.input('dropoutNoise', shape) });
        const g = side / stride;
        const t = b.input('targets', [batch, TARGET_CHANNELS, g, g]);
        const sizeWeight = b.input('sizeWeight', [1]);
        const cellInAnchors = stride / cfg.anchor;
        const ignore = p.ignoreIou < 1 ? { iou: p.ignoreIou, cellInAnchors } : undefined;
        const lg = buildYoloLoss(head, t, sizeWeight, weights, p.rescore ? { cellInAnchors } : undefined, ignore);
        if (averaging) emitAverageUpdates(b, store, b.input('averageDecay', [1]));
        const ts = await compileTrainStep(lg.loss, store, {
          optimizer: { kind: 'adam', ...(p.l2 > 0 ? { weightDecay: p.l2 } : {}) }, outputs: { probs: lg.probs }, runtime,
        });
        step = { key, ts, noise: b.inputs.find((v) => v.name === 'dropoutNoise')?.size ?? 0 };
        checkpoints.applyTo(ts);
      }
      const sizeWeight = Float32Array.of(step.ts.state.step >= warmupSteps ? 1 : 0);
      const at = step.ts.state.step;
      const feeds = {
        x, targets, sizeWeight, ...(step.noise > 0 ? { dropoutNoise: dropoutNoise(p.seed, at, step.noise) } : {}),
        ...(averaging ? { averageDecay: Float32Array.of(averageDecay(p.weightAverage, at)) } : {}),
      };
      const r = await step.ts.run(feeds, lr);
      void labels;
      return { objective: r.loss, reported: r.loss, probs: r.outputs['probs'] as Float32Array };
    },
    async scoreMap(image: Image2D): Promise<Float32Array> {
      // Each pixel gets its cell's confidence logit (the pixel metrics of the shared evaluation).
      const { head, gw, gh } = await evalHead(image);
      const plane = gw * gh;
      const out = new Float32Array(image.width * image.height);
      for (let y = 0; y < image.height; y++) {
        const row = Math.floor(y / stride) * gw;
        for (let x = 0; x < image.width; x++) out[y * image.width + x] = head[4 * plane + row + Math.floor(x / stride)] as number;
      }
      return out;
    },
    async detect(image: Image2D) {
      const boxes = await evaluated(() => model.detections(image, 0.001, runtime));
      return boxes.map((b) => ({ x: b.x, y: b.y, score: b.score, diameter: (b.w + b.h) / 2, width: b.w, height: b.h }));
    },
    snapshot: () => averagedWeights(store.values()),
    restore: (w) => store.load(averagedWeights(w), !averaging),
    saveCheckpoint: (path, rngState, runId) => checkpoints.save(path, step?.ts, rngState, runId),
    loadCheckpoint: (path) => checkpoints.load(path),
    async exportOnnx(path, w, metadata) {
      // w: a snapshot, or an epoch checkpoint's tensors (averages included) after a resume
      store.load(averagedWeights(w), !averaging);
      await model.exportOnnx(path, metadata, { overwrite: true });
    },
    async release() {
      await step?.ts.release();
      await model.release();
    },
  };
  return net;
}
