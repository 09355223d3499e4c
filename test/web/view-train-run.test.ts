// Viewing a training run: a tiny real `cryopick train` run, picked with its own model into
// <run>/view-picks (reused the second time), shown with the user's labels as references; saving
// writes labels and the list of micrographs marked empty, and the printed `cryopick train` command
// trains from them (the empty micrograph as a negative image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { ViewSession } from '../../src/web/view-session.js';
import { readTrainRunInputs, trainRunSource } from '../../src/web/view-sources.js';
import { pickTrainingRun, TRAIN_VIEW_PICKS } from '../../src/web/train-run-picks.js';
import { saveSession } from '../../src/web/view-save.js';
import { makeTinySet } from '../train/_tiny-data.js';

/** Runs the CLI in-process, returning its exit code and everything it printed. */
async function captured(argv: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const we = process.stderr.write.bind(process.stderr);
  const wo = process.stdout.write.bind(process.stdout);
  const grab = ((chunk: string | Uint8Array): boolean => { output += chunk.toString(); return true; }) as typeof process.stdout.write;
  process.stderr.write = grab;
  process.stdout.write = grab;
  try {
    return { code: await main(argv), output };
  } finally {
    process.stderr.write = we;
    process.stdout.write = wo;
  }
}

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
  session.setMark(2, 'empty');
  const out = join(set.dir, 'curated');
  const saved = await saveSession(session, { outDir: out, formats: ['star'], pickRun: first.picksRun });
  const list = join(out, 'empty-micrographs.txt');
  assert.match(saved.trainCommand, new RegExp(`^cryopick train --micrographs .* --picks \\S*labels --empty-micrographs ${list.replace(/[.]/g, '\\.')} -n \\d+ --particle-diameter-px 8 -o train-run$`));
  assert.equal(saved.empty, 1);
  assert.equal(saved.particles, labelled.slice(0, 2).reduce((n, m) => n + m.particles.length, 0));
  assert.deepEqual((await readFile(list, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#')), [session.micrographs[2]!.name]);
  // the printed command, as the user would paste it (the tiny-model flags added), trains with the empty micrograph as a negative image
  const again = join(set.dir, 'run2');
  const printed = saved.trainCommand.split(' ').slice(2, -2); // without `cryopick train` and `-o train-run`
  const text = await captured(['train', ...printed, ...trainArgs.filter((a) => a !== '--quiet'), '-o', again]);
  assert.equal(text.code, 0, text.output);
  assert.match(text.output, /known negatives: 0 negative pick\(s\) on 0 micrograph\(s\), 1 empty micrograph\(s\)/);
  assert.ok(existsSync(join(again, 'model.onnx')));
});
