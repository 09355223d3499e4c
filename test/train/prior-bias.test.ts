// The classifier starts at the class prior: its bias is logit(π), so the first minibatch already
// predicts about the expected fraction of particle pixels instead of p = 0.5 everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ParamStore } from '../../src/engine/params.js';
import { initClassifierBias } from '../../src/train/picker-net.js';
import { trainPicker } from '../../src/train/trainer.js';
import { makeTinySet } from './_tiny-data.js';

test('initClassifierBias sets logit(prior), clamps it, and leaves stores without a classifier alone', () => {
  const s = new ParamStore(1);
  s.add('classifier.b', [1], { kind: 'const', value: 0 });
  initClassifierBias(s, 0.01);
  assert.ok(Math.abs((s.entries.get('classifier.b')?.data[0] as number) - Math.log(0.01 / 0.99)) < 1e-5);
  initClassifierBias(s, 0.9);
  assert.equal(s.entries.get('classifier.b')?.data[0], 0, 'priors above 0.5 are clamped to 0.5 (logit 0)');
  initClassifierBias(s, 0);
  assert.equal(s.entries.get('classifier.b')?.data[0], 0, 'a zero prior leaves the bias unchanged');
  const other = new ParamStore(1);
  other.add('w', [2], { kind: 'const', value: 3 });
  initClassifierBias(other, 0.01);
  assert.deepEqual([...(other.entries.get('w')?.data ?? [])], [3, 3]);
});

test('the first GE-binomial minibatch predicts about the prior, not one half', async () => {
  const set = await makeTinySet({ count: 2, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 4 });
  const out = join(set.dir, 'out');
  const r = await trainPicker({
    micrographs: set.micrographs, picks: [set.picks], expectedParticles: 20, downsample: 1, model: 'conv31', units: 8,
    mode: 'dense', cropSize: 64, cropsPerStep: 2, epochs: 1, epochSize: 1, threads: 1, seed: 3, loss: 'GE-binomial',
  }, { outDir: out, plots: false });
  const first = JSON.parse((await readFile(join(out, 'results.jsonl'), 'utf8')).split('\n')[0] as string) as { split: string; fpr: number; gePenalty: number };
  assert.equal(first.split, 'train');
  // fpr = mean predicted probability on unlabelled pixels; the GE prior here is a few per cent.
  assert.ok(first.fpr < 0.2, `mean unlabelled probability ${first.fpr} should start near the prior, far below 0.5`);
  assert.ok(first.fpr > r.pi / 20, `mean unlabelled probability ${first.fpr} should not start far below the prior ${r.pi}`);
});
