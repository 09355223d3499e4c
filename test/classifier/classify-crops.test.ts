// `cryopick classify --micrographs --picks`: per-pick class probabilities from the crop path that
// `pick --classifier` uses (same predictions), scored against a STAR class column; bad flag
// combinations and signal models are one message each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMrc } from '../../src/io/mrc-writer.js';
import { Random } from '../../src/random.js';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { runClassifierPipelineWith } from '../../src/classifier/pipeline.js';
import { createPickFilter } from '../../src/classifier/pick-filter.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { capture } from '../_cli-capture.js';


test('classify picks: CSV per pick, summary scored by the class column, same decisions as pick --classifier', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-clscrops-'));
  try {
    mkdirSync(join(dir, 'mics'));
    const u = new Random(8).next;
    const rows: string[] = [];
    for (let m = 0; m < 3; m++) {
      const W = 160;
      const data = Float32Array.from({ length: W * W }, () => u() - 0.5);
      for (let k = 0; k < 16; k++) {
        const x = 12 + (k % 4) * 40, y = 12 + Math.floor(k / 4) * 40;
        const junk = k % 2 === 1;
        for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) {
          if (junk ? Math.abs(dy) <= 1 : dx * dx + dy * dy <= 25) data[(y + dy) * W + x + dx]! += junk ? -2 : 2;
        }
        rows.push(`mic${m}.mrc ${x} ${y} ${junk ? 'junk' : 'particle'}`);
      }
      await writeMrc(join(dir, 'mics', `mic${m}.mrc`), { width: W, height: W, data });
    }
    const star = join(dir, 'picks.star');
    writeFileSync(star, `data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_rlnSelection #4\n${rows.join('\n')}\n`);
    const c = parseClassifierConfig({
      etl_params: { caps_data_dir: null, examples_per_class: null, particles: { micrographs: [join(dir, 'mics')], coordinates: [star], class_column: 'rlnSelection', box_size: 16 } },
      tune_params: { tuning_strategy: 'none' }, train_params: { max_epochs_final_model: 4, patience: 4 },
      shared_params: { num_classes: 2, model_type: 'deeppicker', batch_size: 8, output_dir: join(dir, 'out'), threads: 1, train_test_fraction: 0.75, train_val_fraction: 0.67, dtype: 'float32' },
      lr_scheduler_params: { type: 'reduce_lr_on_plateau' },
    });
    const model = (await runClassifierPipelineWith(c)).modelPath;
    const out = join(dir, 'classes.csv');
    const r = await capture(['classify', '--model', model, '--micrographs', join(dir, 'mics'), '--picks', star, '--class-column', 'rlnSelection', '--threads', '1', '-o', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /48 picks on 3 micrographs classified .*accuracy against rlnSelection/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'micrograph,x,y,true_class,predicted_class,p_junk,p_particle');
    assert.equal(lines.length, 49);
    const summary = JSON.parse(readFileSync(`${out}.summary.json`, 'utf8'));
    assert.equal(summary.items, 48);
    assert.equal(summary.perClass.junk.support, 24);
    const fromRows = lines.slice(1).filter((l) => { const f = l.split(','); return f[3] === f[4]; }).length / 48;
    assert.ok(Math.abs(summary.accuracy - fromRows) < 1e-12, 'summary accuracy = the rows');
    for (const l of lines.slice(1)) {
      const f = l.split(',');
      assert.ok(Math.abs(Number(f[5]) + Number(f[6]) - 1) < 1e-3, 'probabilities sum to 1');
    }
    // any coordinate format without classes: the same predictions; and pick --classifier keeps exactly the "particle" rows
    const plain = join(dir, 'plain.csv');
    const r2 = await capture(['classify', '--model', model, '--micrographs', join(dir, 'mics'), '--picks', star, '-o', plain]);
    assert.equal(r2.code, 0, r2.err);
    const plainRows = readFileSync(plain, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    assert.deepEqual(plainRows.map((f) => f[3]), lines.slice(1).map((l) => l.split(',')[4]));
    const f = await createPickFilter(model, { keep: 'particle', minProb: 0.5, weight: 0, threads: 1 });
    const image = await readMicrograph(join(dir, 'mics', 'mic1.mrc'));
    const mine = plainRows.filter((q) => q[0] === 'mic1');
    const kept = await f.filter(image, { micrograph: 'mic1', width: 160, height: 160, floor: 0, particles: mine.map((q) => ({ x: Number(q[1]), y: Number(q[2]), score: 1 })) });
    assert.deepEqual(kept.particles.map((p) => `${p.x},${p.y}`), mine.filter((q) => q[3] === 'particle').map((q) => `${Number(q[1])},${Number(q[2])}`));
    await f.release();
    // one message for each mistake
    const both = await capture(['classify', '--model', model, '--input', star, '--micrographs', join(dir, 'mics'), '-o', join(dir, 'x.csv')]);
    assert.equal(both.code, 2);
    assert.match(both.err, /either --input .* or --micrographs with --picks/);
    const half = await capture(['classify', '--model', model, '--micrographs', join(dir, 'mics'), '-o', join(dir, 'x.csv')]);
    assert.equal(half.code, 2);
    const none = await capture(['classify', '--model', model, '--micrographs', join(dir, 'mics'), '--picks', star.replace('picks', 'nosuch'), '-o', join(dir, 'x.csv')]);
    assert.notEqual(none.code, 0);
    assert.doesNotMatch(none.err, /\n\s+at /);
    assert.ok(!existsSync(join(dir, 'x.csv')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
