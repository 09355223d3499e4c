// Resume test: N steps in one go equal k steps, checkpoint, fresh model, restore, N-k steps;
// for every optimizer. Plus checkpoint format errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, compileTrainStep, loadCheckpoint, mul, reduceMean, reshape, restoreCheckpoint, saveCheckpoint, softplus, sub } from '../../src/engine/index.js';
import { Random } from '../../src/random.js';
import type { OptimizerConfig } from '../../src/engine/index.js';
import { FormatError } from '../../src/errors.js';
import { PickerModel, defaultConfig } from '../../src/models/index.js';

const N = 8;
const cfg = defaultConfig('conv31', { units: 4 });

function batches(count: number): { x: Float32Array; y: Float32Array }[] {
  const rng = new Random(3);
  return [...Array(count)].map(() => ({
    x: new Float32Array(N * 31 * 31).map(() => rng.normal()),
    y: new Float32Array(N).map((_, i) => i % 2),
  }));
}

async function stepFor(model: PickerModel, optimizer: OptimizerConfig) {
  const b = new GraphBuilder();
  const x = b.input('x', [N, 1, 31, 31]);
  const y = b.input('y', [N]);
  const z = reshape(model.forward(x, { mode: 'train', fill: false }), [N]);
  return compileTrainStep(reduceMean(sub(softplus(z), mul(y, z))), model.store, { optimizer, clipGradNorm: 5, runtime: { threads: 1 } });
}

const optimizers: OptimizerConfig[] = [
  { kind: 'adam', weightDecay: 1e-3 },
  { kind: 'adamw', weightDecay: 1e-2 },
  { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
];

for (const optimizer of optimizers) {
  test(`resume is exact: 6 steps == 3 + checkpoint + 3 (${optimizer.kind})`, async () => {
    const data = batches(6);
    const lr = (t: number): number => 1e-2 / (1 + t);
    const a = PickerModel.create(cfg, 1);
    const sa = await stepFor(a, optimizer);
    for (let t = 0; t < 6; t++) await sa.run(data[t] as { x: Float32Array; y: Float32Array }, lr(t));

    const dir = await mkdtemp(join(tmpdir(), 'cryopick-ckpt-'));
    try {
      const b1 = PickerModel.create(cfg, 1);
      const s1 = await stepFor(b1, optimizer);
      for (let t = 0; t < 3; t++) await s1.run(data[t] as { x: Float32Array; y: Float32Array }, lr(t));
      const path = join(dir, 'c.ckpt');
      await saveCheckpoint(path, b1.store, s1, { meta: { epoch: 1 } });
      await assert.rejects(saveCheckpoint(path, b1.store, s1), /exist/i);
      const b2 = PickerModel.create(cfg, 99);
      const s2 = await stepFor(b2, optimizer);
      const ck = await loadCheckpoint(path);
      assert.equal(ck.step, 3);
      assert.deepEqual(ck.meta, { epoch: 1 });
      restoreCheckpoint(ck, b2.store, s2, path);
      for (let t = 3; t < 6; t++) await s2.run(data[t] as { x: Float32Array; y: Float32Array }, lr(t));
      for (const [name, e] of a.store.entries) {
        const other = b2.store.entries.get(name)?.data as Float32Array;
        for (let i = 0; i < e.data.length; i++) assert.ok(Math.abs((e.data[i] as number) - (other[i] as number)) <= 1e-6, `${name}[${i}]: ${e.data[i]} vs ${other[i]}`);
      }
      await Promise.all([sa.release(), s1.release(), s2.release()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('checkpoint format errors are FormatErrors with the path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-ckpt-'));
  try {
    const bad = join(dir, 'bad.ckpt');
    await writeFile(bad, 'hello world, not a checkpoint');
    await assert.rejects(loadCheckpoint(bad), (e: unknown) => e instanceof FormatError && e.message.includes('bad.ckpt') && e.message.includes('CPCK1'));
    const m = PickerModel.create(cfg, 1);
    const good = join(dir, 'good.ckpt');
    await saveCheckpoint(good, m.store);
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(good);
    await writeFile(join(dir, 'trunc.ckpt'), bytes.subarray(0, bytes.length - 40));
    await assert.rejects(loadCheckpoint(join(dir, 'trunc.ckpt')), (e: unknown) => e instanceof FormatError && /truncated/.test(e.message));
    const other = PickerModel.create(defaultConfig('conv63', { units: 4 }), 1);
    const ck = await loadCheckpoint(good);
    assert.throws(() => restoreCheckpoint(ck, other.store, undefined, good), FormatError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a checkpoint written by training before the formats were merged still restores', async () => {
  const { REPO_ROOT } = await import('../_paths.js');
  const path = join(REPO_ROOT, 'test', 'fixtures', 'checkpoint-cpck1.ckpt');
  const ck = await loadCheckpoint(path);
  assert.equal(ck.step, 2, 'two Adam steps (1 epoch of 2 updates)');
  assert.equal(typeof ck.rngState, 'number');
  assert.equal(ck.optimizer, undefined);
  assert.ok(ck.slots.size > 0, 'Adam moments');
  const m = PickerModel.create(defaultConfig('resnet8', { units: 8 }), 7);
  restoreCheckpoint(ck, m.store, undefined, path);
  for (const [k, e] of m.store.entries) assert.deepEqual(e.data, ck.params.get(k), k);
});
