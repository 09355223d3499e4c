// The moving average of the weights (yolo --weight-average): its decay schedule, the average kept
// inside the fused step (checked against the same average computed here), averaged weights for
// evaluation, and a yolo training whose export holds the average, resumed exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/engine/builder.js';
import { compileTrainStep } from '../../src/engine/train-step.js';
import { mul } from '../../src/engine/ops/elementwise.js';
import { reduceSum } from '../../src/engine/ops/reduce.js';
import { ParamStore } from '../../src/engine/params.js';
import { readModelFile } from '../../src/models/model-file.js';
import { loadCheckpoint } from '../../src/engine/checkpoint.js';
import { AVERAGE_PREFIX, addAverages, averageDecay, averagedWeights, emitAverageUpdates, withAveragedWeights } from '../../src/train/weight-average.js';
import { trainPicker } from '../../src/train/trainer.js';
import type { TrainParamsInput } from '../../src/train/params.js';
import { makeTinySet } from './_tiny-data.js';

test('the decay starts low and rises to the given one', () => {
  assert.equal(averageDecay(0.995, 0), 0.1);
  assert.equal(averageDecay(0.995, 10), 11 / 20);
  assert.equal(averageDecay(0.995, 5000), 0.995);
  assert.ok(averageDecay(0.9, 100) === 0.9);
});

test('the fused step keeps average·d + weight·(1 − d) of the weights it was given', async () => {
  const store = new ParamStore(1);
  store.add('w', [3], { kind: 'const', value: 0 }).data = Float32Array.of(1, -2, 0.5);
  addAverages(store);
  assert.deepEqual([...(store.entries.get(`${AVERAGE_PREFIX}w`)?.data ?? [])], [1, -2, 0.5]);
  const b = new GraphBuilder();
  const w = store.use(b, 'w');
  const loss = reduceSum(mul(w, w));
  emitAverageUpdates(b, store, b.input('averageDecay', [1]));
  const step = await compileTrainStep(loss, store, { optimizer: { kind: 'sgd' }, runtime: { threads: 1 } });
  try {
    let expected = Float64Array.from([1, -2, 0.5]);
    for (let k = 0; k < 4; k++) {
      const before = Float64Array.from(store.entries.get('w')?.data ?? []);
      const d = averageDecay(0.9, k);
      await step.run({ averageDecay: Float32Array.of(d) }, 0.1);
      expected = expected.map((a, i) => a * d + (before[i] as number) * (1 - d));
      const got = store.entries.get(`${AVERAGE_PREFIX}w`)?.data as Float32Array;
      for (let i = 0; i < 3; i++) assert.ok(Math.abs((got[i] as number) - (expected[i] as number)) < 1e-6, `step ${k} [${i}]: ${got[i]} vs ${expected[i]}`);
    }
    // the weights themselves moved on (gradient 2w, lr 0.1): the average lags behind them
    assert.ok(Math.abs((store.entries.get('w')?.data[0] as number) - 0.8 ** 4) < 1e-6);
  } finally {
    await step.release();
  }
});

test('averaged weights replace each tensor by its average; evaluation sees them, training gets its own back', async () => {
  const values = new Map([['a', Float32Array.of(1, 2)], [`${AVERAGE_PREFIX}a`, Float32Array.of(3, 4)], ['b', Float32Array.of(5)]]);
  const avg = averagedWeights(values);
  assert.deepEqual([...avg.keys()], ['a', 'b']);
  assert.deepEqual([...(avg.get('a') ?? [])], [3, 4]);
  assert.deepEqual([...(avg.get('b') ?? [])], [5]);
  const store = new ParamStore(1);
  store.add('a', [2], { kind: 'const', value: 1 });
  addAverages(store);
  (store.entries.get(`${AVERAGE_PREFIX}a`) as { data: Float32Array }).data = Float32Array.of(7, 8);
  const seen = await withAveragedWeights(store, async () => [...(store.entries.get('a')?.data ?? [])]);
  assert.deepEqual(seen, [7, 8]);
  assert.deepEqual([...(store.entries.get('a')?.data ?? [])], [1, 1]);
  await assert.rejects(withAveragedWeights(store, async () => { throw new Error('boom'); }), /boom/);
  assert.deepEqual([...(store.entries.get('a')?.data ?? [])], [1, 1], 'restored after a failure too');
});

test('yolo with --weight-average exports the average, and a resumed run ends where an uninterrupted one does', async () => {
  const set = await makeTinySet({ count: 3, size: 96, particles: 12, sigma: 3, labelled: 1, seed: 6 });
  const p: TrainParamsInput = {
    family: 'yolo', micrographs: set.micrographs, picks: [set.picks], particleDiameter: 16, downsample: 1, normalize: 'standard', cropSize: 64,
    epochs: 2, epochSize: 3, testFraction: 0.34, widthMultiplier: 0.125, threads: 1, seed: 2, weightAverage: 0.9,
  };
  const straight = await trainPicker(p, { outDir: join(set.dir, 'a'), plots: false });
  const ckpt = await loadCheckpoint(join(set.dir, 'a', 'checkpoints', 'epoch2.ckpt'));
  const exported = readModelFile(new Uint8Array(await readFile(straight.modelPath)), straight.modelPath).weights;
  assert.ok(![...exported.keys()].some((k) => k.startsWith(AVERAGE_PREFIX)), 'the export holds no second copy of the weights');
  // the exported head is the average of the chosen epoch, not the trained weights
  const chosen = await loadCheckpoint(join(set.dir, 'a', 'checkpoints', `epoch${straight.bestEpoch}.ckpt`));
  const fromFile = exported.get('head.w') as Float32Array;
  const average = chosen.params.get(`${AVERAGE_PREFIX}head.w`) as Float32Array;
  const trained = chosen.params.get('head.w') as Float32Array;
  assert.deepEqual([...fromFile], [...average]);
  assert.notDeepEqual([...average], [...trained]);
  assert.ok(ckpt.params.has(`${AVERAGE_PREFIX}conv1.w`), 'checkpoints carry the average');

  const ctl = new AbortController();
  const first = await trainPicker(p, { outDir: join(set.dir, 'b'), plots: false, signal: ctl.signal, onProgress: (q) => { if (q.phase === 'train' && q.epoch === 2 && q.step === 1) ctl.abort(); } });
  assert.equal(first.interrupted, true);
  const resumed = await trainPicker(p, { outDir: join(set.dir, 'b'), plots: false, resume: true });
  assert.equal(resumed.bestEpoch, straight.bestEpoch);
  const wb = (await loadCheckpoint(join(set.dir, 'b', 'checkpoints', 'epoch2.ckpt'))).params;
  for (const [k, v] of ckpt.params) {
    const u = wb.get(k) as Float32Array;
    for (let i = 0; i < v.length; i++) assert.ok(Math.abs((v[i] as number) - (u[i] as number)) < 1e-5, `${k}[${i}]`);
  }
});
