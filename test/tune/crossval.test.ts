// Cross-validation with a stand-in trainer: the seed's example (learning rate 0.0001 + j·0.0001,
// 3 values, 2 folds), micrograph-level folds, outputs, validation errors, interrupt and resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossValidate, validateCv } from '../../src/tune/crossval.js';
import { ConfigError } from '../../src/errors.js';
import { fakeTrainer } from './_fake-train.js';

function dataset(n = 7): { dir: string; mics: string; picks: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-cv-'));
  const mics = join(dir, 'mics'), picks = join(dir, 'picks');
  mkdirSync(mics); mkdirSync(picks);
  for (let i = 0; i < n; i++) {
    writeFileSync(join(mics, `mic_${i}.mrc`), `m${i}`);
    writeFileSync(join(picks, `mic_${i}.star`), 'data_\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n10 20\n30 40\n');
  }
  return { dir, mics, picks };
}

test('the seed example: learning rate 0.0001 by 0.0001, 3 values, 2 folds', async () => {
  const d = dataset();
  try {
    const fake = fakeTrainer();
    const messages: string[] = [];
    const r = await crossValidate({
      params: { micrographs: [d.mics], picks: [d.picks], expectedParticles: 50, epochs: 2 },
      parameter: 'learningRate', folds: 2, initial: 0.0001, increment: 0.0001, count: 3, outDir: join(d.dir, 'cv'),
      train: fake.train, onMessage: (m) => messages.push(m),
    });
    assert.deepEqual(r.values, [0.0001, 0.0002, 0.0003]);
    assert.equal(r.runs.length, 6);
    assert.equal(fake.calls.length, 7);
    // folds: every held-out micrograph set is disjoint from its training set, and folds partition the training micrographs
    const cvCalls = fake.calls.slice(0, 6);
    const heldOutSets = new Map<string, string>();
    for (const c of cvCalls) {
      const held = c.options.heldOut?.micrographs ?? [];
      assert.ok(held.length > 0);
      for (const m of held) assert.ok(!(c.params.micrographs ?? []).includes(m), 'held-out micrograph not trained on');
      heldOutSets.set(JSON.stringify(held), held.join());
    }
    const folds = [...heldOutSets.keys()].map((k) => JSON.parse(k) as string[]);
    assert.equal(folds.length, 2);
    const all = folds.flat();
    assert.equal(new Set(all).size, all.length, 'no micrograph in two folds');
    const test = r.manifest.splits.test ?? [];
    assert.equal(all.length + test.length, 7);
    assert.equal(r.best?.value, 0.0002);
    assert.equal(r.summary.length, 3);
    assert.ok(r.summary.every((s) => s.n === 2));
    assert.ok(r.summary.every((s) => s.bestEpoch === 2), 'the stand-in improves with epochs');
    const final = fake.calls[6];
    assert.equal(final?.params.learningRate, 0.0002);
    assert.equal(final?.params.micrographs?.length, 7, 'final model sees every training micrograph (and holds out the test set)');
    assert.deepEqual(final?.params.testMicrographs, test);
    assert.ok(r.final?.modelPath);
    for (const f of [r.files.table, r.files.summary, join(d.dir, 'cv', 'cv-plot.svg'), join(d.dir, 'cv', 'cv-plot.png'), join(d.dir, 'cv', 'dataset-manifest.json')]) assert.ok(existsSync(f), f);
    const table = readFileSync(r.files.table, 'utf8').trim().split('\n');
    assert.equal(table.length, 7);
    assert.match(readFileSync(r.files.summary, 'utf8'), /0\.0002\t[0-9.]+\t[0-9.]+\t2\t\*/);
    assert.ok(messages.some((m) => m.includes('best learningRate = 0.0002')));
  } finally { rmSync(d.dir, { recursive: true, force: true }); }
});

test('interrupted cross-validation keeps finished runs, trains the final model from them, and resumes', async () => {
  const d = dataset();
  try {
    const ac = new AbortController();
    const fake = fakeTrainer((c) => { if (fake.calls.length === 3 && c.options.heldOut) ac.abort(); });
    const opts = { params: { micrographs: [d.mics], picks: [d.picks], expectedParticles: 50, epochs: 2 }, parameter: 'learningRate', folds: 2, initial: 0.0001, increment: 0.0001, count: 3, outDir: join(d.dir, 'cv') };
    const r = await crossValidate({ ...opts, train: fake.train, signal: ac.signal });
    assert.equal(r.interrupted, true);
    assert.equal(r.runs.length, 2);
    assert.ok(r.final, 'final training still runs with the best so far');
    assert.equal(fake.calls[fake.calls.length - 1]?.options.signal, undefined);
    const fake2 = fakeTrainer();
    const r2 = await crossValidate({ ...opts, train: fake2.train });
    assert.equal(r2.runs.length, 6);
    assert.equal(fake2.calls.length, 4 + 1, 'only the missing runs are trained again');
    // nothing finished: no final model
    const ac3 = new AbortController(); ac3.abort();
    const fake3 = fakeTrainer();
    const r3 = await crossValidate({ ...opts, outDir: join(d.dir, 'cv3'), train: fake3.train, signal: ac3.signal });
    assert.equal(r3.best, undefined);
    assert.equal(r3.final, undefined);
    assert.equal(fake3.calls.length, 0);
  } finally { rmSync(d.dir, { recursive: true, force: true }); }
});

test('cross-validation settings: every problem at once', () => {
  try {
    validateCv({ params: { micrographs: ['x'], picks: ['y'], expectedParticles: 10 }, parameter: 'model', folds: 1, initial: 1, increment: 0, count: 3 });
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const paths = err.problems.map((p) => p.path);
    assert.ok(paths.includes('parameter') && paths.includes('folds') && paths.includes('increment'), err.message);
    assert.match(err.message, /allowed: .*learningRate/);
  }
  assert.throws(() => validateCv({ params: { micrographs: ['x'], picks: ['y'], expectedParticles: 10 }, parameter: 'epochs', folds: 2, initial: 0.5, increment: 1, count: 2 }), /value 0.5/);
  assert.doesNotThrow(() => validateCv({ params: { micrographs: ['x'], picks: ['y'], expectedParticles: 10 }, parameter: 'expectedParticles', folds: 5, initial: 250, increment: 50, count: 6 }));
});

test('the yolo family is ranked by the held-out particle AP of its boxes, and the tables say so', async () => {
  const d = dataset(5);
  try {
    const fake = fakeTrainer();
    const r = await crossValidate({
      params: { family: 'yolo', micrographs: [d.mics], picks: [d.picks], particleDiameter: 20, epochs: 2 },
      parameter: 'learningRate', folds: 2, initial: 0.0001, increment: 0.0001, count: 2, outDir: join(d.dir, 'cv'), train: fake.train,
    });
    assert.equal(r.best?.value, 0.0001, 'the AP peaks at 1e-4 while the pixel AUPRC peaks at 2e-4');
    assert.match(readFileSync(r.files.table, 'utf8'), /^run\tlearningRate\tfold\tstatus\theldout_particle_ap\t/);
    assert.match(readFileSync(r.files.summary, 'utf8'), /^learningRate\tmean_heldout_particle_ap\t/);
    const topaz = await crossValidate({
      params: { micrographs: [d.mics], picks: [d.picks], expectedParticles: 50, epochs: 2 },
      parameter: 'learningRate', folds: 2, initial: 0.0001, increment: 0.0001, count: 2, outDir: join(d.dir, 'cv-topaz'), train: fakeTrainer().train,
    });
    assert.equal(topaz.best?.value, 0.0002);
  } finally { rmSync(d.dir, { recursive: true, force: true }); }
});
