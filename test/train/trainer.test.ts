// End to end: a short training on tiny synthetic data beats chance, exports the best epoch as a
// runnable .onnx with metadata and writes results; aborting (Ctrl+C) exports the best so far.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModel } from '../../src/engine/onnx-serialize.js';
import { loadPickerModel } from '../../src/models/load-picker.js';
import { makeImage } from '../../src/image/image.js';
import { ConfigError, UserError } from '../../src/errors.js';
import { trainPicker } from '../../src/train/trainer.js';
import type { TrainParamsInput } from '../../src/train/params.js';
import { makeTinySet } from './_tiny-data.js';

const base = (m: string[], p: string): TrainParamsInput => ({
  micrographs: m, picks: [p], expectedParticles: 20, downsample: 1, model: 'conv31', units: 8, mode: 'dense',
  cropSize: 64, cropsPerStep: 4, epochs: 2, epochSize: 25, learningRate: 2e-3, testFraction: 0.34, threads: 1, seed: 3,
});

test('short dense training beats chance and exports the best epoch', async () => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 1 });
  const out = join(set.dir, 'out');
  const messages: string[] = [];
  const r = await trainPicker(base(set.micrographs, set.picks), { outDir: out, onMessage: (s) => messages.push(s), plots: false });
  assert.equal(r.epochs.length, 2);
  assert.equal(r.interrupted, false);
  const best = r.epochs.find((e) => e.epoch === r.bestEpoch);
  assert.ok(best?.auprc !== undefined);
  // chance = fraction of labelled pixels ≈ 10 disks × 29 px / 6400 px ≈ 0.045
  assert.ok((best.auprc as number) > 0.15, `test AUPRC ${best.auprc} should beat chance (~0.05)`);
  assert.ok(r.epochs.every((e) => e.auprc === undefined || e.auprc <= (best.auprc as number)));
  for (const f of ['model.onnx', 'results.tsv', 'results.jsonl', 'epochs.jsonl', 'summary.json', 'checkpoints/epoch1.ckpt', 'checkpoints/epoch2.ckpt']) {
    assert.ok(existsSync(join(out, f)), `${f} written`);
  }
  const tsv = await readFile(join(out, 'results.tsv'), 'utf8');
  assert.match(tsv.split('\n')[0] as string, /^epoch\titer\tsplit\tloss\tge_penalty/);
  assert.equal(tsv.split('\n').filter((l) => l.includes('\ttest\t')).length, 2);
  const bytes = new Uint8Array(await readFile(join(out, 'model.onnx')));
  const meta = parseModel(bytes).metadata;
  assert.equal(JSON.parse(meta['cryopick.architecture'] as string).arch, 'conv31');
  assert.equal(JSON.parse(meta['cryopick.training'] as string).bestEpoch, r.bestEpoch);
  assert.equal(JSON.parse(meta['cryopick.input'] as string).preprocess.downsample.kind, 'none');
  const picker = await loadPickerModel(join(out, 'model.onnx'), { threads: 1 });
  const map = await picker.scoreMap(makeImage(70, 50, new Float32Array(50 * 70).map((_, i) => Math.sin(i))));
  assert.equal(map.length, 50 * 70);
  assert.ok(map.every(Number.isFinite));
  await picker.release();
  await assert.rejects(trainPicker(base(set.micrographs, set.picks), { outDir: out }), (e: unknown) => e instanceof UserError && e.code === 'EEXIST' && /already holds a training run/.test(e.message));
});

test('abort (Ctrl+C) finishes the step, exports the best epoch so far and writes results', async () => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 2 });
  const out = join(set.dir, 'out');
  const ctl = new AbortController();
  let stepsAfterAbort = 0;
  const r = await trainPicker({ ...base(set.micrographs, set.picks), epochs: 5, epochSize: 10 }, {
    outDir: out, signal: ctl.signal, plots: false,
    onProgress: (p) => {
      if (ctl.signal.aborted && p.phase === 'train') stepsAfterAbort++;
      if (p.phase === 'train' && p.epoch === 2 && p.step === 3) ctl.abort();
    },
  });
  assert.equal(r.interrupted, true);
  assert.equal(stepsAfterAbort, 0);
  assert.equal(r.epochs.length, 1);
  assert.equal(r.bestEpoch, 1);
  assert.ok(existsSync(join(out, 'model.onnx')));
  assert.ok(existsSync(join(out, 'results.tsv')));
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { interrupted: boolean };
  assert.equal(summary.interrupted, true);
});

test('selectMetric ap: particle AP of the test picks per epoch chooses the exported epoch (needs the diameter)', async () => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 1 });
  const out = join(set.dir, 'out');
  const params = { ...base(set.micrographs, set.picks), epochs: 3, epochSize: 15, selectMetric: 'ap' as const };
  await assert.rejects(trainPicker(params, { outDir: out, plots: false }), (e: unknown) => e instanceof ConfigError && /particleDiameter/.test(e.message));
  const r = await trainPicker({ ...params, particleDiameter: 10 }, { outDir: out, plots: false });
  const aps = r.epochs.map((e) => e.particleAp);
  assert.ok(aps.every((a) => a !== undefined && a >= 0 && a <= 1), JSON.stringify(aps));
  assert.equal(r.epochs.find((e) => e.epoch === r.bestEpoch)?.particleAp, Math.max(...(aps as number[])));
  // half the particles are labelled, so precision against the labels tops out near 0.5; chance is far lower
  assert.ok(Math.max(...(aps as number[])) > 0.1, JSON.stringify(aps));
  const tsv = (await readFile(join(out, 'results.tsv'), 'utf8')).trim().split('\n');
  const col = (tsv[0] as string).split('\t').indexOf('particle_ap');
  assert.ok(col > 0);
  const written = tsv.filter((l) => l.includes('\ttest\t')).map((l) => Number(l.split('\t')[col]));
  assert.ok(written.length === 3 && written.every((v, i) => Math.abs(v - (aps[i] as number)) < 1e-5), JSON.stringify(written));
});

test('expected particles below the labelled mean switches to PN and says so', async () => {
  const set = await makeTinySet({ count: 2, size: 64, particles: 12, sigma: 2, labelled: 1, seed: 4 });
  const messages: string[] = [];
  const r = await trainPicker({ ...base(set.micrographs, set.picks), expectedParticles: 3, epochs: 1, epochSize: 2, testFraction: 0 },
    { outDir: join(set.dir, 'out'), onMessage: (s) => messages.push(s), plots: false });
  assert.equal(r.method, 'PN');
  assert.ok(messages.some((m) => m.includes('PN')));
  assert.ok(messages.some((m) => m.includes('no test split')));
  assert.ok(r.diagnostics.some((d) => d.includes('no test split')));
});

test('the autoencoder (conv models) trains in patch mode and logs the reconstruction error', async () => {
  const set = await makeTinySet({ count: 2, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 6 });
  const out = join(set.dir, 'out');
  const messages: string[] = [];
  const r = await trainPicker({ ...base(set.micrographs, set.picks), units: 4, encoderUnits: 4, autoencoderWeight: 0.05, minibatchSize: 8,
    epochs: 1, epochSize: 3, testFraction: 0 }, { outDir: out, plots: false, onMessage: (s) => messages.push(s) });
  assert.ok(messages.some((m) => m.includes('patch')));
  const rows = (await readFile(join(out, 'results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { reconError?: number });
  assert.ok(rows.length === 3 && rows.every((x) => typeof x.reconError === 'number' && x.reconError > 0));
  assert.equal(r.epochs.length, 1);
  // switched to patch mode without a learning rate given: Topaz's constant 2e-4, not dense mode's 1e-3 → 1e-4
  const { learningRate: _given, ...noLr } = base(set.micrographs, set.picks);
  const r2 = await trainPicker({ ...noLr, units: 4, encoderUnits: 4, autoencoderWeight: 0.05, minibatchSize: 8, epochs: 2, epochSize: 2, testFraction: 0 },
    { outDir: join(set.dir, 'out2'), plots: false });
  assert.deepEqual(r2.epochs.map((e) => e.lr), [2e-4, 2e-4]);
});

test('fine-tuning: --init loads a trained model; a different architecture is refused', async () => {
  const set = await makeTinySet({ count: 2, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 7 });
  const first = await trainPicker({ ...base(set.micrographs, set.picks), epochs: 1, epochSize: 2, testFraction: 0 }, { outDir: join(set.dir, 'a'), plots: false });
  const second = await trainPicker({ ...base(set.micrographs, set.picks), epochs: 1, epochSize: 1, testFraction: 0, init: first.modelPath, learningRate: 1e-9 },
    { outDir: join(set.dir, 'b'), plots: false });
  const a = parseModel(new Uint8Array(await readFile(first.modelPath))).initializers.get('classifier.w')?.data;
  const b = parseModel(new Uint8Array(await readFile(second.modelPath))).initializers.get('classifier.w')?.data;
  assert.ok(a && b);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-5);
  await assert.rejects(trainPicker({ ...base(set.micrographs, set.picks), model: 'conv63', cropSize: 80, epochs: 1, epochSize: 1, testFraction: 0, init: first.modelPath },
    { outDir: join(set.dir, 'c'), plots: false }), /init/);
});

test('tune hooks: per-step lr scheduler, held-out AUPRC per epoch, early stopping', async () => {
  const set = await makeTinySet({ count: 3, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 10 });
  const seen: number[] = [];
  const ended: number[] = [];
  const r = await trainPicker({ ...base(set.micrographs.slice(0, 2), set.picks), epochs: 6, epochSize: 2, testFraction: 0 }, {
    outDir: join(set.dir, 'out'), plots: false,
    heldOut: { micrographs: [set.micrographs[2] as string], picks: [set.picks] },
    lrScheduler: () => ({ config: { kind: 'constant', lr: 1e-3 }, lrAt: (s) => { seen.push(s); return 1e-3 / (s + 1); }, endEpoch: (e) => { ended.push(e); }, state: () => undefined }),
    earlyStopping: { patience: 1, restoreBest: true, monitor: 'heldOutAuprc' },
  });
  assert.deepEqual(seen.slice(0, 4), [0, 1, 2, 3]);
  assert.deepEqual(ended, r.epochs.map((e) => e.epoch - 1));
  assert.ok(r.epochs.every((e) => typeof e.heldOutAuprc === 'number'));
  assert.ok(Math.abs((r.epochs[0]?.lr ?? 0) - 1e-3 / 2) < 1e-12);
  const best = Math.max(...r.epochs.map((e) => e.heldOutAuprc ?? 0));
  assert.equal(r.epochs.find((e) => e.epoch === r.bestEpoch)?.heldOutAuprc, best);
  if (r.stoppedEarly) assert.ok(r.epochs.length < 6);
});

test('abort while loading micrographs stops with a one-line user error', async () => {
  const set = await makeTinySet({ count: 2, size: 48, particles: 4, sigma: 2, labelled: 1, seed: 11 });
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(trainPicker(base(set.micrographs, set.picks), { outDir: join(set.dir, 'out'), signal: ctl.signal }), /interrupted while loading micrographs/);
  assert.ok(!existsSync(join(set.dir, 'out', 'model.onnx')));
});
