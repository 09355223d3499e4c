// Viewing a training run: a tiny real `cryopick train` run, picked with its own model into
// <run>/view-picks (reused the second time), shown with the user's labels as references; saving
// writes labels that `cryopick train` accepts again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { ViewSession } from '../../src/web/view-session.js';
import { readTrainRunInputs, trainRunSource } from '../../src/web/view-sources.js';
import { pickTrainingRun, TRAIN_VIEW_PICKS } from '../../src/web/train-run-picks.js';
import { saveSession } from '../../src/web/view-save.js';
import { makeTinySet } from '../train/_tiny-data.js';

async function quiet(argv: string[]): Promise<number> {
  const we = process.stderr.write.bind(process.stderr);
  const wo = process.stdout.write.bind(process.stdout);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await main(argv);
  } finally {
    process.stderr.write = we;
    process.stdout.write = wo;
  }
}

test('a training run: the model picks its micrographs once, labels are the references, saved labels train again', { timeout: 300_000 }, async () => {
  const set = await makeTinySet({ count: 3, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 5 });
  const run = join(set.dir, 'run');
  const trainArgs = ['--downsample', '1', '--model', 'conv31', '--units', '4', '--crop-size', '48', '--crops-per-step', '2', '--epochs', '1', '--epoch-size', '2', '--threads', '1', '--particle-diameter-px', '8', '--quiet'];
  assert.equal(await quiet(['train', '--micrographs', ...set.micrographs, '--picks', set.picks, '-n', '10', ...trainArgs, '-o', run]), 0);
  const inputs = await readTrainRunInputs(run);
  assert.equal(inputs.diameterPx, 8);
  const first = await pickTrainingRun(run, inputs);
  assert.equal(first.picksRun, join(run, TRAIN_VIEW_PICKS));
  assert.equal(first.files.length, 3);
  assert.ok(existsSync(join(first.picksRun, 'pick-run.json')));
  assert.equal(existsSync(join(first.picksRun, '.cryopick.lock')), false, 'the lock is released');
  const source = await trainRunSource(run, first.picksRun, inputs.labels, first.files);
  const session = new ViewSession(source.init);
  assert.equal(session.referenceKind, 'labels');
  assert.equal(session.hasScores, true);
  assert.equal(session.diameterPx, 8);
  const labelled = await readCoordinates(set.picks);
  assert.deepEqual(session.micrographs.map((_, i) => session.referencesOf(i)?.length), labelled.map((m) => m.particles.length));
  assert.ok(session.micrographs.every((_, i) => session.picksOf(i).length > 0), 'the model picked every micrograph');

  // keep the labels as they were (drop the model picks), mark one micrograph empty, save, retrain
  session.setFilter({ threshold: 1e9 });
  session.micrographs.forEach((_, i) => session.setPicks(i, [...(session.referencesOf(i) ?? [])]));
  const out = join(set.dir, 'curated');
  const saved = await saveSession(session, { outDir: out, formats: ['star'], pickRun: first.picksRun });
  assert.match(saved.trainCommand, /^cryopick train --micrographs .* --picks .*labels -n \d+ --particle-diameter-px 8/);
  assert.equal(saved.particles, labelled.reduce((n, m) => n + m.particles.length, 0));
  const again = join(set.dir, 'run2');
  assert.equal(await quiet(['train', '--micrographs', ...set.micrographs, '--picks', join(out, 'labels'), '-n', '10', ...trainArgs, '-o', again]), 0);
  assert.ok(existsSync(join(again, 'model.onnx')));
});
