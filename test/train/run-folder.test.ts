// A training run folder holds one run: a plain rerun over it is refused, --overwrite clears the old
// run's state before writing (so a killed overwrite never resumes from the old checkpoints), and
// --resume refuses epochs, results or checkpoints carrying another run's id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { trainPicker } from '../../src/train/trainer.js';
import { loadCheckpoint } from '../../src/engine/checkpoint.js';
import type { TrainParamsInput } from '../../src/train/params.js';
import { makeTinySet } from './_tiny-data.js';

const params = (m: string[], p: string, epochs: number): TrainParamsInput => ({
  micrographs: m, picks: [p], expectedParticles: 20, downsample: 1, model: 'conv31', units: 8, mode: 'dense',
  cropSize: 64, cropsPerStep: 2, epochs, epochSize: 4, learningRate: 2e-3, testFraction: 0.34, threads: 1, seed: 5,
});

const lines = (path: string): Record<string, unknown>[] => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const runIdOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'train-run.json'), 'utf8')) as { runId: string }).runId;

test('a plain rerun is refused; a killed --overwrite run clears the old state and --resume starts the new run over', async (t) => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 8 });
  t.after(() => rmSync(set.dir, { recursive: true, force: true }));
  const out = join(set.dir, 'out');
  await trainPicker(params(set.micrographs, set.picks, 3), { outDir: out, plots: false });
  const oldId = runIdOf(out);
  assert.match(oldId, /^[0-9a-f-]{36}$/);
  for (const f of lines(join(out, 'epochs.jsonl'))) assert.equal(f['runId'], oldId);
  for (const f of lines(join(out, 'results.jsonl'))) assert.equal(f['runId'], oldId);
  assert.equal((await loadCheckpoint(join(out, 'checkpoints', 'epoch3.ckpt'))).meta['runId'], oldId);

  const p2 = { ...params(set.micrographs, set.picks, 2), learningRate: 1e-3 };
  await assert.rejects(trainPicker(p2, { outDir: out, plots: false }), (e: unknown) =>
    e instanceof UserError && /already holds a training run \(train-run\.json, .*\): continue it with --resume or replace it with --overwrite/.test(e.message));

  // --overwrite, "killed" in the middle of its first epoch (an exception, so nothing is finished)
  const killed = new Error('killed');
  await assert.rejects(trainPicker(p2, {
    outDir: out, plots: false, overwrite: true,
    onProgress: (q) => { if (q.phase === 'train' && q.epoch === 1 && q.step === 2) throw killed; },
  }), (e: unknown) => e === killed);
  for (const f of ['model.onnx', 'epochs.jsonl', 'results.jsonl', 'results.tsv', 'summary.json', 'checkpoints/epoch1.ckpt', 'checkpoints/epoch3.ckpt']) {
    assert.equal(existsSync(join(out, f)), false, `${f} of the old run was cleared`);
  }
  const newId = runIdOf(out);
  assert.notEqual(newId, oldId);

  const messages: string[] = [];
  const resumed = await trainPicker(p2, { outDir: out, plots: false, resume: true, onMessage: (s) => messages.push(s) });
  assert.ok(messages.some((m) => /no finished epoch to resume from/.test(m)), messages.join('\n'));
  assert.deepEqual(resumed.epochs.map((e) => e.epoch), [1, 2]);
  assert.equal(existsSync(join(out, 'checkpoints', 'epoch3.ckpt')), false);
  assert.ok(lines(join(out, 'results.jsonl')).every((r) => r['runId'] === newId && (r['epoch'] as number) <= 2));
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { runId: string; params: { learningRate: number } };
  assert.equal(summary.runId, newId);
  assert.equal(summary.params.learningRate, 1e-3);
});

test('--resume refuses epochs, results and checkpoints of another run (named with both run ids)', async (t) => {
  const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 9 });
  t.after(() => rmSync(set.dir, { recursive: true, force: true }));
  const p = params(set.micrographs, set.picks, 2);
  const [a, b] = [join(set.dir, 'a'), join(set.dir, 'b')];
  await trainPicker(p, { outDir: a, plots: false });
  await trainPicker(p, { outDir: b, plots: false });
  const [idA, idB] = [runIdOf(a), runIdOf(b)];
  const mixed = (what: RegExp) => (e: unknown): boolean =>
    e instanceof UserError && e.code === 'EMIXEDRUN' && what.test(e.message) && e.message.includes(`expected run ${idB}`) && e.message.includes(`found run ${idA}`);

  const epochsB = readFileSync(join(b, 'epochs.jsonl'));
  copyFileSync(join(a, 'epochs.jsonl'), join(b, 'epochs.jsonl'));
  await assert.rejects(trainPicker(p, { outDir: b, plots: false, resume: true }), mixed(/epochs\.jsonl line 1 belongs to another training run/));
  writeFileSync(join(b, 'epochs.jsonl'), epochsB);

  const ckptB = readFileSync(join(b, 'checkpoints', 'epoch2.ckpt'));
  copyFileSync(join(a, 'checkpoints', 'epoch2.ckpt'), join(b, 'checkpoints', 'epoch2.ckpt'));
  await assert.rejects(trainPicker(p, { outDir: b, plots: false, resume: true }), mixed(/epoch2\.ckpt belongs to another training run/));
  writeFileSync(join(b, 'checkpoints', 'epoch2.ckpt'), ckptB);

  const rows = readFileSync(join(b, 'results.jsonl'), 'utf8').split('\n');
  rows[3] = (rows[3] as string).replace(idB, idA);
  writeFileSync(join(b, 'results.jsonl'), rows.join('\n'));
  await assert.rejects(trainPicker(p, { outDir: b, plots: false, resume: true }), mixed(/results\.jsonl line 4 belongs to another training run/));

  // with b's own files back, the resume goes through (only re-exports: both epochs were done)
  writeFileSync(join(b, 'results.jsonl'), rows.join('\n').replace(idA, idB));
  const again = await trainPicker(p, { outDir: b, plots: false, resume: true });
  assert.deepEqual(again.epochs.map((e) => e.epoch), [1, 2]);
});
