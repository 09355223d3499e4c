// `cryopick train --self-train ROUNDS`: picks unlabelled micrographs with the general model, keeps
// the confident picks as labels, fine-tunes, re-picks; resumable round by round; a particle-crop
// filter narrows the labels; bad input gets one clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';
import { runCli } from '../_pick-fixture.js';
import { generalModelPath } from '../../src/pick/general-model.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { listMicrographs } from '../../src/io/micrograph-inputs.js';
import { ConfigError, UsageError, UserError } from '../../src/errors.js';
import { confidentPicks, selfTrain, SELF_TRAIN_EPOCHS, SELF_TRAIN_STATE, type SelfTrainRound } from '../../src/train/self-train.js';
import { ORIGINAL_FRAME, type MicrographPicks } from '../../src/io/coords.js';

const TINY = ['--epochs', '1', '--epoch-size', '2', '--crop-size', '96', '--threads', '1'];

async function simulated(dir: string): Promise<string> {
  await simulateDataset({ outDir: join(dir, 'sim'), params: { ...PRESETS.quick.params, width: 512, height: 512, particlesPerMicrograph: 20 }, count: 2, seed: 9 });
  return join(dir, 'sim', 'micrographs');
}

const state = async (out: string): Promise<{ rounds: SelfTrainRound[] }> => JSON.parse(await readFile(join(out, SELF_TRAIN_STATE), 'utf8')) as { rounds: SelfTrainRound[] };

test('confidentPicks: the picks at or above the threshold, then their top fraction over all micrographs', () => {
  const m = (name: string, scores: number[]): MicrographPicks<'original'> => ({ micrograph: name, particles: scores.map((score, i) => ({ x: i, y: i, score })), frame: ORIGINAL_FRAME });
  const r = confidentPicks([m('a', [5, 1, -2, 3]), m('b', [4, 0.5, 2])], 1, 0.5);
  assert.equal(r.above, 5); // 5, 1, 3, 4, 2
  assert.equal(r.cut, 3); // the top 3 (round(2.5)): 5, 4, 3
  assert.deepEqual(r.labels.map((x) => x.particles.map((p) => p.score)), [[5, 3], [4]]);
  assert.equal(confidentPicks([m('a', [0, -1])], 1, 0.5).above, 0);
});

test('train --self-train 2: general model → confident picks → fine-tune → re-pick; resume, overwrite and bad input', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-self-train-'));
  try {
    const mics = await simulated(dir);
    const out = join(dir, 'run');
    const args = ['train', '--self-train', '2', '--micrographs', mics, '--particle-diameter-a', '160', ...TINY, '-o', out];
    const printed = await runCli(args);
    assert.match(printed, /round 1: \d+ labels/);
    assert.match(printed, /model: .*model\.onnx \(after 2 round\(s\) of self-training\)/);
    const s = await state(out);
    assert.equal(s.rounds.length, 2);
    const [r1, r2] = s.rounds as [SelfTrainRound, SelfTrainRound];
    assert.equal(r1.pickedWith, generalModelPath());
    assert.equal(r2.pickedWith, r1.model, 'round 2 picks with the model of round 1');
    assert.ok(existsSync(join(out, 'model.onnx')));
    assert.deepEqual(await readFile(join(out, 'model.onnx')), await readFile(r2.model));
    // round 1 fine-tunes the general model at its canonical scale (40 px particles → downsampling 40/18)
    const run1 = JSON.parse(await readFile(join(out, 'round-1', 'train', 'train-run.json'), 'utf8')) as { params: { init: string; downsample: number; particleDiameter: number; expectedParticles: number; epochs: number } };
    assert.equal(run1.params.init, generalModelPath());
    assert.equal(run1.params.epochs, 1, '--epochs given: the rounds keep it');
    assert.equal(run1.params.particleDiameter, 40);
    assert.ok(Math.abs(run1.params.downsample - 40 / 18) < 1e-9);
    assert.equal(run1.params.expectedParticles, Math.max(1, Math.round(r1.aboveThreshold / 2)));
    const run2 = JSON.parse(await readFile(join(out, 'round-2', 'train', 'train-run.json'), 'utf8')) as { params: { init: string; downsample: number } };
    assert.equal(run2.params.init, r1.model);
    assert.equal(run2.params.downsample, run1.params.downsample);
    // the labels are exactly the picks at or above the round's cut, half of those above its threshold
    for (const r of [r1, r2]) {
      const labels = await readCoordinates(join(out, `round-${r.round}`, 'labels.txt'));
      const all = labels.flatMap((m) => m.particles);
      assert.equal(all.length, r.labels);
      assert.ok(all.every((p) => (p.score ?? -Infinity) >= r.labelCut));
      assert.ok(r.labels >= 1 && Math.abs(r.labels - Math.round(0.5 * r.aboveThreshold)) <= 1, `${r.labels} of ${r.aboveThreshold}`);
    }
    // a finished run: the same command refuses to mix runs; --resume redoes nothing; changed settings are refused
    await assert.rejects(runCli(args), (e) => e instanceof UserError && /already holds a self-training run/.test(e.message));
    const before = (await stat(r1.model)).mtimeMs;
    await runCli([...args, '--resume']);
    assert.equal((await stat(r1.model)).mtimeMs, before);
    assert.equal((await state(out)).rounds.length, 2);
    await assert.rejects(runCli([...args, '--resume', '--self-train-fraction', '0.3']), (e) => e instanceof ConfigError && /keepFraction/.test(JSON.stringify(e.problems)));
    // bad input: one clear message each
    await assert.rejects(runCli([...args, '--picks', mics]), (e) => e instanceof UsageError && /give no --picks/.test(e.message));
    await assert.rejects(runCli(['train', '--self-train', '0', '--micrographs', mics, '-o', join(dir, 'x')]), (e) => e instanceof UsageError && /--self-train: expected a whole number of rounds >= 1, got '0'/.test(e.message));
    await assert.rejects(runCli(['train', '--self-train', '1', '--micrographs', mics, '--self-train-fraction', '1.5', '-o', join(dir, 'x')]), (e) => e instanceof UsageError && /--self-train-fraction/.test(e.message));
    await assert.rejects(runCli(['train', '--self-train', '1', '--micrographs', mics, '--classifier', 'c.onnx', '-o', join(dir, 'x')]), (e) => e instanceof UsageError && /--classifier and --keep go together/.test(e.message));
    await assert.rejects(runCli(['train', '--micrographs', mics, '--picks', mics, '--classifier', 'c.onnx', '--keep', 'p', '-o', join(dir, 'x')]), (e) => e instanceof UsageError && /--self-train/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('selfTrain: interrupted in round 2, resumed without redoing round 1; a crop filter narrows the labels', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-self-train-resume-'));
  try {
    const micrographs = listMicrographs([await simulated(dir)]);
    const out = join(dir, 'run');
    const stop = new AbortController();
    // a particle-crop filter standing in for the classifier: keeps the detections in the left half
    let filtered = 0;
    const filter = async (_image: unknown, found: { width: number; particles: readonly { x: number }[] }): Promise<never> => {
      filtered++;
      return { ...found, particles: found.particles.filter((p) => p.x < found.width / 2) } as never;
    };
    const o = {
      rounds: 2, startModel: generalModelPath(), micrographs, diameterPx: 40, params: { epochSize: 2, cropSize: 96, threads: 1 }, // epochs: the rounds' default
      threshold: -2, keepFraction: 1, outDir: out, threads: 1, filter, filterId: 'left half',
    } as const;
    const first = await selfTrain({ ...o, signal: stop.signal, onMessage: (m) => { if (m.startsWith('self-training round 2')) stop.abort(); } });
    assert.equal(first.interrupted, true);
    assert.equal(first.modelPath, undefined);
    assert.equal((await state(out)).rounds.length, 1);
    const r1 = (await state(out)).rounds[0] as SelfTrainRound;
    const labels = (await readCoordinates(join(out, 'round-1', 'labels.txt'))).flatMap((m) => m.particles);
    assert.ok(filtered > 0 && labels.length > 0 && labels.every((p) => p.x < 256), 'only the picks the filter kept are labels');
    assert.ok(labels.every((p) => (p.score ?? -Infinity) >= -2), 'a fixed threshold with fraction 1 keeps every pick at or above it');
    const run1 = JSON.parse(await readFile(join(out, 'round-1', 'train', 'train-run.json'), 'utf8')) as { params: { epochs: number } };
    assert.equal(run1.params.epochs, SELF_TRAIN_EPOCHS, 'a round fine-tunes for the measured number of epochs unless told');
    const before = (await stat(r1.model)).mtimeMs;
    const done = await selfTrain({ ...o, resume: true });
    assert.equal(done.interrupted, false);
    assert.equal(done.rounds.length, 2);
    assert.equal((await stat(r1.model)).mtimeMs, before, 'round 1 is not trained again');
    assert.equal(done.rounds[1]?.pickedWith, r1.model);
    await assert.rejects(selfTrain({ ...o, filterId: 'another' , resume: true }), ConfigError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
