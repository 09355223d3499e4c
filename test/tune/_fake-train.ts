// A stand-in for trainPicker in pipeline tests: records its calls, writes a small model file and
// reports per-epoch held-out/test AUPRC from a known function of the parameters (peak at lr 2e-4).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainParamsInput } from '../../src/train/params.js';
import type { EpochMetrics, TrainOptions, TrainResult } from '../../src/train/train-types.js';

export interface FakeCall { readonly params: TrainParamsInput; readonly options: TrainOptions }

/** Score in (0, 1], highest at learningRate = 2e-4, slightly better with more epochs. */
export function fakeScore(p: TrainParamsInput, epoch: number): number {
  const lr = p.learningRate ?? 2e-4;
  return Math.exp(-((Math.log10(lr) - Math.log10(2e-4)) ** 2)) * (0.8 + 0.2 * (1 - 1 / (epoch + 1)));
}

/** A particle AP that peaks elsewhere (learningRate = 1e-4), so tests can tell which metric ranked. */
export function fakeParticleAp(p: TrainParamsInput, epoch: number): number {
  return fakeScore({ ...p, learningRate: 2 * (p.learningRate ?? 2e-4) }, epoch);
}

export function fakeTrainer(hook?: (call: FakeCall) => void): { calls: FakeCall[]; train: (p: TrainParamsInput, o: TrainOptions) => Promise<TrainResult> } {
  const calls: FakeCall[] = [];
  return {
    calls,
    async train(params, options) {
      calls.push({ params, options });
      hook?.({ params, options });
      mkdirSync(options.outDir, { recursive: true });
      const modelPath = join(options.outDir, 'model.onnx');
      writeFileSync(modelPath, 'fake');
      const epochs: EpochMetrics[] = [];
      const n = params.epochs ?? 3;
      for (let e = 1; e <= n; e++) {
        const s = fakeScore(params, e);
        const lr = options.lrScheduler ? options.lrScheduler(10).lrAt((e - 1) * 10) : (params.learningRate ?? 2e-4);
        epochs.push({ epoch: e, lr, trainLoss: 1 - s, trainPrecision: s, testLoss: 1 - s, auprc: s, ...(options.heldOut ? { heldOutAuprc: s, heldOutLoss: 1 - s, heldOutParticleAp: fakeParticleAp(params, e) } : {}), seconds: e });
        if (options.signal?.aborted) break;
      }
      return { modelPath, outDir: options.outDir, bestEpoch: epochs.length, epochs, diagnostics: [], interrupted: options.signal?.aborted ?? false,
        stoppedEarly: false, method: 'GE-binomial', pi: 0.01, seconds: 0.01 };
    },
  };
}
