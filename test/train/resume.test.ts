// Resuming an interrupted training: the resumed run ends with the same weights, metrics and rows
// as an uninterrupted one; changed parameters, a missing run and damaged checkpoints are refused
// with clear errors; a finished run only re-exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FormatError, UserError } from '../../src/errors.js';
import { trainPicker } from '../../src/train/trainer.js';
import { loadCheckpoint } from '../../src/engine/checkpoint.js';
import type { TrainParamsInput } from '../../src/train/params.js';
import type { ResultRow } from '../../src/train/results.js';
import { makeTinySet } from './_tiny-data.js';

const params = (m: string[], p: string): TrainParamsInput => ({
  micrographs: m, picks: [p], expectedParticles: 20, downsample: 1, model: 'conv31', units: 8, mode: 'dense',
  cropSize: 64, cropsPerStep: 2, epochs: 3, epochSize: 6, learningRate: 2e-3, finalLearningRate: 2e-4, testFraction: 0.34, threads: 1, seed: 5,
});

async function weightsOf(path: string): Promise<Map<string, Float32Array>> {
  return (await loadCheckpoint(path)).params;
}

async function rowsOf(dir: string): Promise<ResultRow[]> {
  return (await readFile(join(dir, 'results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ResultRow);
}

test('an interrupted run resumed with --resume ends exactly where an uninterrupted run does', async () => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 4 });
  const p = params(set.micrographs, set.picks);
  const straight = await trainPicker(p, { outDir: join(set.dir, 'a'), plots: false });

  const ctl = new AbortController();
  const first = await trainPicker(p, {
    outDir: join(set.dir, 'b'), plots: false, signal: ctl.signal,
    onProgress: (q) => { if (q.phase === 'train' && q.epoch === 2 && q.step === 2) ctl.abort(); },
  });
  assert.equal(first.interrupted, true);
  assert.equal(first.epochs.length, 1);
  const messages: string[] = [];
  const resumed = await trainPicker(p, { outDir: join(set.dir, 'b'), plots: false, resume: true, onMessage: (s) => messages.push(s) });
  assert.ok(messages.some((m) => /resuming after epoch 1 of 3/.test(m)), messages.join('\n'));
  assert.equal(resumed.interrupted, false);
  assert.deepEqual(resumed.epochs.map((e) => e.epoch), [1, 2, 3]);
  assert.equal(resumed.bestEpoch, straight.bestEpoch);
  for (const [k, e] of straight.epochs.entries()) {
    const r = resumed.epochs[k];
    assert.ok(Math.abs(e.trainLoss - (r?.trainLoss ?? NaN)) < 1e-6, `epoch ${e.epoch} train loss ${e.trainLoss} vs ${r?.trainLoss}`);
    assert.ok(Math.abs((e.auprc ?? 0) - (r?.auprc ?? NaN)) < 1e-6, `epoch ${e.epoch} AUPRC`);
    assert.equal(e.lr, r?.lr);
  }
  const wa = await weightsOf(join(set.dir, 'a', 'checkpoints', 'epoch3.ckpt'));
  const wb = await weightsOf(join(set.dir, 'b', 'checkpoints', 'epoch3.ckpt'));
  assert.deepEqual([...wb.keys()], [...wa.keys()]);
  for (const [k, v] of wa) {
    const u = wb.get(k) as Float32Array;
    for (let i = 0; i < v.length; i++) assert.ok(Math.abs((v[i] as number) - (u[i] as number)) < 1e-6, `${k}[${i}]`);
  }
  // the partly run epoch 2 of the first attempt left no rows behind
  const [ra, rb] = [await rowsOf(join(set.dir, 'a')), await rowsOf(join(set.dir, 'b'))];
  assert.equal(rb.length, ra.length);
  assert.deepEqual(rb.map((r) => `${r.epoch}/${r.iter}/${r.split}`), ra.map((r) => `${r.epoch}/${r.iter}/${r.split}`));

  // a finished run only re-exports; the thread count may change
  const again = await trainPicker({ ...p, threads: 2 }, { outDir: join(set.dir, 'b'), plots: false, resume: true, onMessage: (s) => messages.push(s) });
  assert.equal(again.bestEpoch, straight.bestEpoch);
  assert.ok(messages.some((m) => /all 3 epochs were done/.test(m)));
});

test('resume refuses changed parameters (listing each), a folder without a run, and a damaged checkpoint', async () => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 6 });
  const p = { ...params(set.micrographs, set.picks), epochs: 1 };
  const out = join(set.dir, 'out');
  await trainPicker(p, { outDir: out, plots: false });
  await assert.rejects(trainPicker({ ...p, learningRate: 1e-3, radius: 2 }, { outDir: out, plots: false, resume: true }), (e: unknown) =>
    e instanceof ConfigError && e.problems.map((q) => q.path).join(',') === 'learningRate,radius' && /was 0.002, now 0.001/.test(JSON.stringify(e.problems)));
  await assert.rejects(trainPicker(p, { outDir: join(set.dir, 'none'), plots: false, resume: true }), (e: unknown) =>
    e instanceof UserError && /holds no training run to resume/.test(e.message));
  await writeFile(join(out, 'checkpoints', 'epoch1.ckpt'), 'not a checkpoint');
  await assert.rejects(trainPicker(p, { outDir: out, plots: false, resume: true }), (e: unknown) =>
    e instanceof FormatError && /epoch1\.ckpt byte 0: not a cryopick training checkpoint/.test(e.message));
});
