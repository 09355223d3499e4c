// Particle-crop classification: micrographs with bright disks (particles) and dark bars (junk),
// labelled by a STAR class column or by coordinate file, cropped, split and classified by the
// DeepPicker architecture through the same pipeline, then used as pick's --classifier filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMrc } from '../../src/io/mrc-writer.js';
import { Random } from '../../src/random.js';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { cropAt, labelledPicks } from '../../src/classifier/crop-etl.js';
import { openDataset } from '../../src/classifier/dataset-store.js';
import { runClassifierPipelineWith } from '../../src/classifier/pipeline.js';
import { createPickFilter } from '../../src/classifier/pick-filter.js';
import { readMicrograph } from '../../src/io/micrograph.js';

test('cropAt centres the box and fills outside with zeros', () => {
  const data = Float32Array.from({ length: 25 }, (_, i) => i + 1);
  const out = new Float32Array(9);
  cropAt(data, 5, 5, 2, 2, 3, out);
  assert.deepEqual([...out], [7, 8, 9, 12, 13, 14, 17, 18, 19]);
  cropAt(data, 5, 5, 0, 0, 3, out);
  assert.deepEqual([...out], [0, 0, 0, 0, 1, 2, 0, 6, 7]);
});

test('crops: STAR class column → dataset → DeepPicker → held-out test', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-crops-'));
  try {
    mkdirSync(join(dir, 'mics'));
    const u = new Random(5).next;
    const rows: string[] = [];
    for (let m = 0; m < 3; m++) {
      const W = 160;
      const data = Float32Array.from({ length: W * W }, () => u() - 0.5);
      for (let k = 0; k < 16; k++) {
        const x = 12 + (k % 4) * 40, y = 12 + Math.floor(k / 4) * 40;
        const junk = k % 2 === 1;
        for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) {
          const inside = junk ? Math.abs(dy) <= 1 : dx * dx + dy * dy <= 25;
          if (inside) data[(y + dy) * W + x + dx]! += junk ? -2 : 2;
        }
        rows.push(`mic${m}.mrc ${x} ${y} ${junk ? 'rejected' : 'kept'}`);
      }
      await writeMrc(join(dir, 'mics', `mic${m}.mrc`), { width: W, height: W, data });
    }
    writeFileSync(join(dir, 'picks.star'), `data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_rlnSelection #4\n${rows.join('\n')}\n`);
    const picks = await labelledPicks(join(dir, 'picks.star'), 'rlnSelection', undefined);
    assert.equal(picks.length, 48);
    assert.deepEqual([...new Set(picks.map((p) => p.cls))].sort(), ['kept', 'rejected']);
    const c = parseClassifierConfig({
      etl_params: { caps_data_dir: null, examples_per_class: null, particles: { micrographs: [join(dir, 'mics')], coordinates: [join(dir, 'picks.star')], class_column: 'rlnSelection', box_size: 16 } },
      tune_params: { tuning_strategy: 'none' }, train_params: { max_epochs_final_model: 3, patience: 3 },
      shared_params: { num_classes: 2, model_type: 'deeppicker', batch_size: 8, output_dir: join(dir, 'out'), threads: 1, train_test_fraction: 0.75, train_val_fraction: 0.67, use_augmentation: true, dtype: 'float32' },
      lr_scheduler_params: { type: 'reduce_lr_on_plateau' },
    });
    const r = await runClassifierPipelineWith(c);
    const ds = openDataset(join(dir, 'out', 'dataset', (await import('node:fs')).readdirSync(join(dir, 'out', 'dataset')).find((d) => !d.startsWith('.')) as string));
    assert.equal(ds.manifest.kind, 'crops');
    assert.deepEqual(ds.manifest.itemShape, [16, 16]);
    assert.deepEqual(ds.manifest.classes, ['kept', 'rejected']);
    const ids = [...ds.splits.train.ids(), ...ds.splits.val.ids(), ...ds.splits.test.ids()];
    assert.equal(new Set(ids).size, ids.length);
    for (const s of Object.values(ds.splits)) s.close();
    assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1);
    // pick --classifier: the filter crops each detection and keeps those classified as --keep
    const f = await createPickFilter(r.modelPath, { keep: 'kept', minProb: 0.5, weight: 0, threads: 1 });
    const image = await readMicrograph(join(dir, 'mics', 'mic0.mrc'));
    const particles = picks.filter((q) => q.micrograph === 'mic0').map((q) => ({ x: q.x, y: q.y, score: 1 }));
    const kept = await f.filter(image, { micrograph: 'mic0', width: 160, height: 160, floor: 0, particles });
    assert.equal(f.stats.seen, 16);
    assert.equal(kept.particles.length, f.stats.kept);
    for (const q of kept.particles) assert.ok(particles.some((p) => p.x === q.x && p.y === q.y));
    await f.release();
    await assert.rejects(createPickFilter(r.modelPath, { keep: 'junk', minProb: 0.5, weight: 0 }), /"junk" is not a class[^]*kept, rejected/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
