// The config-driven pipeline with a stand-in trainer and evaluator: stages, run folder contents,
// tuning with each strategy, Ctrl+C (abort) during tuning, resume, and the LR scheduler hand-off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrainPipeline, withBaseLr } from '../../src/tune/pipeline.js';
import { confusionAtThreshold } from '../../src/tune/test-eval.js';
import type { TestEvaluation } from '../../src/tune/test-eval.js';
import { decodeScalarEvents } from '../../src/tune/tfevents.js';
import { ConfigError } from '../../src/errors.js';
import { fakeTrainer } from './_fake-train.js';

function project(tuning: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-pipe-'));
  mkdirSync(join(dir, 'mics')); mkdirSync(join(dir, 'picks'));
  for (let i = 0; i < 10; i++) {
    writeFileSync(join(dir, 'mics', `m${i}.mrc`), `m${i}`);
    writeFileSync(join(dir, 'picks', `m${i}.star`), 'data_\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n10 20\n');
  }
  const config = {
    data: { micrographs: ['mics'], picks: ['picks'], testFraction: 0.2 },
    tuning: { enabled: false, ...tuning },
    training: { epochs: 4, patience: 2 },
    shared: { expectedParticles: 40, outputDir: 'out', runName: 'r1' },
    lrScheduler: { kind: 'sgdr', minLr: 1e-5, maxLr: 1e-3, cycleLength: 2 },
    ...extra,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return { dir, config: join(dir, 'config.json') };
}

const fakeEval = async (_m: string, mics: readonly string[], _p: unknown, threshold: number): Promise<TestEvaluation> =>
  ({ ...confusionAtThreshold(Float32Array.from([2, -1, 0.5, -3]), Uint8Array.from([1, 1, 0, 0]), threshold), micrographs: mics.length });

test('confusion matrix and metrics at a threshold', () => {
  const e = confusionAtThreshold(Float32Array.from([3, 1, -1, 2, -2, -4]), Uint8Array.from([1, 1, 1, 0, 0, 0]), 0);
  assert.deepEqual(e.confusion, { truePositive: 2, falseNegative: 1, falsePositive: 1, trueNegative: 2 });
  assert.equal(e.precision, 2 / 3);
  assert.equal(e.recall, 2 / 3);
  assert.ok(Math.abs(e.f1 - 2 / 3) < 1e-12);
  assert.ok(e.ap > 0.7 && e.ap <= 1);
});

test('pipeline without tuning: splits, final training with scheduler and early stopping, test evaluation, run folder', async () => {
  const p = project();
  try {
    const fake = fakeTrainer();
    const r = await runTrainPipeline(p.config, { train: fake.train, evaluate: fakeEval });
    assert.equal(fake.calls.length, 1);
    const call = fake.calls[0];
    assert.ok(call?.options.lrScheduler);
    assert.deepEqual(call?.options.earlyStopping, { patience: 2, restoreBest: true, monitor: 'auprc' });
    assert.equal(call?.options.lrScheduler?.(10).lrAt(0), 1e-3, 'SGDR starts at maxLr');
    const test = r.manifest.splits.test ?? [], val = r.manifest.splits.validation ?? [], tr = r.manifest.splits.train ?? [];
    assert.equal(test.length, 2);
    assert.equal(test.length + val.length + tr.length, 10);
    assert.ok(test.every((t) => !(call?.params.micrographs ?? []).some((m) => m.includes(`${t}.mrc`))), 'test micrographs never trained on');
    assert.deepEqual(call?.params.testMicrographs, val);
    assert.equal(r.evaluation?.micrographs, 2);
    for (const f of ['config.json', 'dataset-manifest.json', 'metrics.jsonl', 'evaluation.json', 'confusion-matrix.tsv', 'summary.json']) assert.ok(existsSync(join(r.runDir, f)), f);
    const ev = readdirSync(join(r.runDir, 'tensorboard'))[0] as string;
    const tags = new Set(decodeScalarEvents(readFileSync(join(r.runDir, 'tensorboard', ev))).map((e) => e.tag));
    assert.ok(tags.has('train/auprc') && tags.has('test/ap'));
    await assert.rejects(runTrainPipeline(p.config, { train: fake.train, evaluate: fakeEval }), /already exists/);
  } finally { rmSync(p.dir, { recursive: true, force: true }); }
});

for (const strategy of ['random', 'bayesian', 'hyperband'] as const) {
  test(`pipeline with ${strategy} tuning: best parameters reach final training`, async () => {
    const p = project({ enabled: true, strategy, maxTrials: 6, epochsPerTrial: 1, initialPoints: 3, maxEpochs: 3, factor: 3,
      space: { learningRate: { type: 'log-uniform', min: 1e-5, max: 1e-2 } } });
    try {
      const fake = fakeTrainer();
      const r = await runTrainPipeline(p.config, { train: fake.train, evaluate: fakeEval });
      assert.ok(r.bestTrial);
      const final = fake.calls[fake.calls.length - 1];
      assert.equal(final?.params.learningRate, r.bestTrial.params.learningRate);
      assert.equal(final?.options.lrScheduler?.(10).lrAt(0), r.bestTrial.params.learningRate, 'tuned lr becomes the schedule peak');
      const trials = fake.calls.slice(0, -1);
      assert.ok(trials.every((c) => c.options.heldOut && c.options.heldOut.micrographs.length > 0));
      const validation = new Set(trials[0]?.options.heldOut?.micrographs);
      assert.ok(trials.every((c) => (c.params.micrographs ?? []).every((m) => !validation.has(m))));
      assert.ok(existsSync(join(p.dir, 'out', 'tuning', 'trials.tsv')));
      assert.ok(existsSync(join(p.dir, 'out', 'tuning', 'trials.svg')));
      assert.ok(existsSync(join(p.dir, 'out', 'tuning', 'trials-learningRate.svg')));
      assert.ok(existsSync(join(r.runDir, 'tuning', 'trials.svg')), 'trial plots in the run folder too');
      if (strategy === 'hyperband') assert.ok(trials.some((c) => c.params.init !== undefined), 'warm start from the previous rung');
    } finally { rmSync(p.dir, { recursive: true, force: true }); }
  });
}

test('Ctrl+C during tuning: best so far goes to final training; rerun resumes; nothing finished → clean stop', async () => {
  const p = project({ enabled: true, strategy: 'random', maxTrials: 5, epochsPerTrial: 1, space: { learningRate: { type: 'log-uniform', min: 1e-5, max: 1e-2 } } });
  try {
    const ac = new AbortController();
    const fake = fakeTrainer((c) => { if (fake.calls.length === 3 && c.options.heldOut) ac.abort(); });
    const msgs: string[] = [];
    const r = await runTrainPipeline(p.config, { train: fake.train, evaluate: fakeEval, signal: ac.signal, onMessage: (m) => msgs.push(m) });
    assert.equal(r.tuningInterrupted, true);
    assert.ok(r.bestTrial);
    assert.ok(r.final);
    assert.equal(fake.calls[fake.calls.length - 1]?.options.signal, undefined, 'final training is not cancelled by the tuning interrupt');
    assert.ok(msgs.some((m) => m.includes('best so far')));
    const state = JSON.parse(readFileSync(join(p.dir, 'out', 'tuning', 'state.json'), 'utf8')) as { trials: unknown[] };
    assert.equal(state.trials.length, 2);
    const fake2 = fakeTrainer();
    const cfg = JSON.parse(readFileSync(p.config, 'utf8')) as { shared: Record<string, unknown> };
    cfg.shared.runName = 'r2';
    writeFileSync(p.config, JSON.stringify(cfg));
    const r2 = await runTrainPipeline(p.config, { train: fake2.train, evaluate: fakeEval, onMessage: (m) => msgs.push(m) });
    assert.equal(fake2.calls.length, 3 + 1);
    assert.ok(msgs.some((m) => m.includes('tuning resumed: 2 trial(s)')));
    assert.ok(r2.bestTrial);
    const ac3 = new AbortController(); ac3.abort();
    cfg.shared.runName = 'r3';
    writeFileSync(p.config, JSON.stringify(cfg));
    const fake3 = fakeTrainer();
    const r3 = await runTrainPipeline(p.config, { train: fake3.train, evaluate: fakeEval, signal: ac3.signal, overwrite: true, onMessage: (m) => msgs.push(m) });
    assert.equal(r3.final, undefined);
    assert.equal(fake3.calls.length, 0);
    assert.ok(msgs.some((m) => m.includes('before any trial finished')));
  } finally { rmSync(p.dir, { recursive: true, force: true }); }
});

test('pipeline config errors are reported before any work', async () => {
  const p = project({ strategy: 'grid' }, { lrScheduler: { kind: 'cyclic', mode: 'sawtooth' } });
  try {
    const fake = fakeTrainer();
    await assert.rejects(runTrainPipeline(p.config, { train: fake.train, evaluate: fakeEval }), (e: unknown) => e instanceof ConfigError && e.problems.length >= 2);
    assert.equal(fake.calls.length, 0);
  } finally { rmSync(p.dir, { recursive: true, force: true }); }
});

test('withBaseLr moves every schedule to the tuned rate', () => {
  assert.equal(withBaseLr({ kind: 'constant', lr: 1 }, 0.5).kind, 'constant');
  assert.deepEqual(withBaseLr({ kind: 'linear', initialLr: 1, finalLr: 0.1, totalEpochs: 3 }, 0.5), { kind: 'linear', initialLr: 0.5, finalLr: 0.1, totalEpochs: 3 });
  const s = withBaseLr({ kind: 'sgdr', minLr: 1e-3, maxLr: 2e-3, lrDecay: 0.9, cycleLength: 5, multFactor: 1.5 }, 1e-4);
  assert.ok(s.kind === 'sgdr' && s.maxLr === 1e-4 && s.minLr <= 1e-4);
});
