// `pick --classifier M --keep CLASS [--keep-min-prob p] [--classifier-weight w]`: detections re-ranked
// by score + w · logit p(CLASS) and dropped below p, unit-tested on the rule and end to end through the
// CLI against the plain pick run's detections and the classifier's own probabilities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { runClassifierPipelineWith } from '../../src/classifier/pipeline.js';
import { loadCropClassifier } from '../../src/classifier/crop-predict.js';
import { PICK_FILTER_DEFAULTS, rescoreDetections } from '../../src/classifier/pick-filter.js';
import { readDetections, type MicrographDetections } from '../../src/pick/detections.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { writeTestMicrographs, writeTestModel } from '../_pick-fixture.js';
import { capture } from '../_cli-capture.js';

const det = (scores: number[], floor = -12): MicrographDetections =>
  ({ micrograph: 'm', width: 100, height: 100, floor, particles: scores.map((score, i) => ({ x: 10 * i, y: 5, score })) });

test('rescoreDetections: drops p below the minimum, adds w · logit p, sorts again, keeps the floor', () => {
  const d = det([3, 2, 1, 0]);
  const p = [0.01, 0.5, 0.9, 0.99];
  const none = rescoreDetections(d, p, { minProb: 0, weight: 0 });
  assert.deepEqual(none.particles.map((q) => q.score), [3, 2, 1, 0]);
  const r = rescoreDetections(d, p, { minProb: 0.05, weight: 1 });
  assert.deepEqual(r.particles.map((q) => q.x), [30, 20, 10], 'the p = 0.01 detection is dropped; the others re-ranked');
  assert.ok(Math.abs((r.particles[0]?.score as number) - Math.log(99)) < 1e-9);
  assert.ok(Math.abs((r.particles[1]?.score as number) - (1 + Math.log(9))) < 1e-9);
  assert.equal(r.particles[2]?.score, 2, 'p = 0.5 leaves the score');
  // p = 0 and 1 are clamped (±9.2), and what falls below the floor goes
  const c = rescoreDetections(det([0, 0], -5), [0, 1], { minProb: 0, weight: 1 });
  assert.equal(c.particles.length, 1);
  assert.ok(Math.abs((c.particles[0]?.score as number) - Math.log((1 - 1e-4) / 1e-4)) < 1e-9);
  assert.ok(PICK_FILTER_DEFAULTS.minProb >= 0 && PICK_FILTER_DEFAULTS.minProb < 1 && PICK_FILTER_DEFAULTS.weight >= 0);
});

test('pick --classifier --keep-min-prob --classifier-weight: the plain detections, re-scored by the classifier', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-pickcls-'));
  try {
    const mics = await writeTestMicrographs(join(dir, 'mics'), 2);
    const model = await writeTestModel(join(dir, 'picker.onnx'));
    // a crop classifier: blob centres are "particle", points between them "junk"
    const rows: string[] = [];
    for (let k = 0; k < 2; k++) {
      const name = `mic_00${k}.mrc`;
      const blobs = [{ x: 40 + 5 * k, y: 50 }, { x: 110, y: 100 - 3 * k }, { x: 60, y: 110 }];
      for (const b of blobs) for (const [dx, dy] of [[0, 0], [2, 0], [0, 2], [-2, 0], [0, -2]] as const) rows.push(`${name} ${b.x + dx} ${b.y + dy} particle`);
      for (const [x, y] of [[20, 20], [140, 20], [140, 130], [20, 130], [90, 60], [100, 30], [30, 90], [130, 60], [80, 80], [60, 20]] as const) rows.push(`${name} ${x} ${y} junk`);
    }
    const star = join(dir, 'labels.star');
    writeFileSync(star, `data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_pickClass #4\n${rows.join('\n')}\n`);
    const c = parseClassifierConfig({
      etl_params: { caps_data_dir: null, examples_per_class: null, particles: { micrographs: [join(dir, 'mics')], coordinates: [star], class_column: 'pickClass', box_size: 16 } },
      tune_params: { tuning_strategy: 'none' }, train_params: { max_epochs_final_model: 3, patience: 3 },
      shared_params: { num_classes: 2, model_type: 'deeppicker', batch_size: 4, output_dir: join(dir, 'out'), threads: 1, train_test_fraction: 0.8, train_val_fraction: 0.75, dtype: 'float32' },
      lr_scheduler_params: { type: 'reduce_lr_on_plateau' },
    });
    const classifier = (await runClassifierPipelineWith(c)).modelPath;
    const common = ['pick', join(dir, 'mics'), '--model', model, '--threshold', '-100', '--floor', '-1000', '--threads', '1'];
    const plain = await capture([...common, '--out', join(dir, 'plain')]);
    assert.equal(plain.code, 0, plain.err);
    const r = await capture([...common, '--out', join(dir, 'cls'), '--classifier', classifier, '--keep', 'particle', '--keep-min-prob', '0.3', '--classifier-weight', '2']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /classifier kept \d+ of \d+ detection\(s\) with p\(particle\) >= 0.3, re-ranked with weight 2/);
    const crops = await loadCropClassifier(classifier, 1);
    const k = crops.meta.classes.indexOf('particle');
    try {
      for (const [i, path] of mics.entries()) {
        const before = await readDetections(join(dir, 'plain', 'detections', `mic_00${i}.tsv`));
        const after = await readDetections(join(dir, 'cls', 'detections', `mic_00${i}.tsv`));
        const prob = await crops.classify(await readMicrograph(path), before.particles);
        const expected = rescoreDetections(before, Float64Array.from(before.particles, (_, j) => prob[j * crops.meta.classes.length + k] as number), { minProb: 0.3, weight: 2 });
        assert.ok(expected.particles.length < before.particles.length, 'some detections are dropped');
        assert.equal(after.particles.length, expected.particles.length);
        const got = new Map(after.particles.map((a) => [`${a.x.toFixed(1)},${a.y.toFixed(1)}`, a.score as number]));
        for (const q of expected.particles) {
          const score = got.get(`${q.x.toFixed(1)},${q.y.toFixed(1)}`);
          assert.ok(score !== undefined && Math.abs(score - (q.score as number)) < 1e-3, `detection at ${q.x}, ${q.y} of mic_00${i}`);
        }
        for (let j = 1; j < after.particles.length; j++) assert.ok((after.particles[j - 1]?.score as number) >= (after.particles[j]?.score as number), 'descending score');
      }
    } finally {
      await crops.release();
    }
    // one message for each mistake, no stack trace
    for (const [args, re] of [
      [['--classifier', classifier, '--keep', 'particle', '--keep-min-prob', '1.5'], /--keep-min-prob: expected a probability in \[0, 1\], got '1.5'/],
      [['--classifier', classifier, '--keep', 'particle', '--classifier-weight', '-1'], /--classifier-weight: expected a number >= 0/],
      [['--classifier-weight', '1'], /--keep-min-prob and --classifier-weight need --classifier and --keep/],
    ] as const) {
      const bad = await capture([...common, '--out', join(dir, 'bad'), ...args]);
      assert.equal(bad.code, 2, bad.err);
      assert.match(bad.err, re);
      assert.doesNotMatch(bad.err, /\n\s+at /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
