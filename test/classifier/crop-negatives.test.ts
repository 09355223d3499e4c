// DeepPicker's negative sampling for the particle-crop classifier: background windows at least
// min_distance × the window from every pick, whole inside the micrograph, reproducible, and stored
// as one more class of the crop dataset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMrc } from '../../src/io/mrc-writer.js';
import { Random } from '../../src/random.js';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { prepareCropDataset } from '../../src/classifier/crop-etl.js';
import { micrographNegatives, sampleNegativePoints } from '../../src/classifier/crop-negatives.js';
import { openDataset } from '../../src/classifier/dataset-store.js';

test('negative windows: at least the distance from every pick, inside the margins, seeded', () => {
  const picks = Array.from({ length: 30 }, (_, i) => ({ x: 20 + (i % 6) * 40, y: 20 + Math.floor(i / 6) * 40 }));
  const pts = sampleNegativePoints(picks, 400, 300, 40, 19.2, 16, new Random(3));
  assert.equal(pts.length, 40);
  for (const q of pts) {
    assert.ok(q.x >= 16 && q.x <= 384 && q.y >= 16 && q.y <= 284, `inside the margins: ${q.x},${q.y}`);
    for (const p of picks) assert.ok(Math.hypot(p.x - q.x, p.y - q.y) >= 19.2, `(${q.x},${q.y}) too close to (${p.x},${p.y})`);
  }
  assert.deepEqual(sampleNegativePoints(picks, 400, 300, 40, 19.2, 16, new Random(3)), pts, 'same seed, same windows');
  // no room: picks everywhere closer than the distance → none rather than a window on a particle
  const dense = Array.from({ length: 100 }, (_, i) => ({ x: (i % 10) * 10, y: Math.floor(i / 10) * 10 }));
  assert.equal(sampleNegativePoints(dense, 100, 100, 5, 30, 0, new Random(1)).length, 0);
  // DeepPicker: 0.6 × the window; the window is box_size × downsample in original pixels
  const per = micrographNegatives(picks, 400, 300, { class: 'background', per_micrograph: null, min_distance: 0.6 }, 16, 2, 7, 'mic0');
  assert.equal(per.length, picks.length, 'null → as many windows as picks');
  for (const q of per) for (const p of picks) assert.ok(Math.hypot(p.x - q.x, p.y - q.y) >= 0.6 * 32);
});

test('crop ETL with negatives: a balanced "background" class sampled away from every pick', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-cropneg-'));
  try {
    mkdirSync(join(dir, 'mics'));
    const u = new Random(2).next;
    const rows: string[] = [];
    for (let m = 0; m < 2; m++) {
      const W = 200;
      const data = Float32Array.from({ length: W * W }, () => u() - 0.5);
      for (let k = 0; k < 9; k++) rows.push(`mic${m}.mrc ${30 + (k % 3) * 60} ${30 + Math.floor(k / 3) * 60}`);
      await writeMrc(join(dir, 'mics', `mic${m}.mrc`), { width: W, height: W, data });
    }
    writeFileSync(join(dir, 'particles.star'), `data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n${rows.join('\n')}\n`);
    const config = parseClassifierConfig({
      etl_params: { caps_data_dir: null, examples_per_class: null, particles: {
        micrographs: [join(dir, 'mics')], coordinates: [join(dir, 'particles.star')], class_from_file: { 'particles.star': 'particle' }, box_size: 20,
        negatives: { class: 'background' },
      } },
      shared_params: { num_classes: 2, model_type: 'deeppicker', output_dir: join(dir, 'out'), train_test_fraction: 0.75, train_val_fraction: 0.67 },
    });
    const logs: string[] = [];
    const r = await prepareCropDataset(config, (s) => logs.push(s));
    assert.ok(logs.some((s) => /negatives: 18 "background" windows at least 0\.6 × 20 px from every pick/.test(s)), logs.join('\n'));
    assert.deepEqual(r.manifest.classes, ['background', 'particle']);
    const ds = openDataset(join(dir, 'out', 'dataset', readdirSync(join(dir, 'out', 'dataset')).find((d) => !d.startsWith('.')) as string));
    const total = (k: number): number => ds.manifest.counts.train[k]! + ds.manifest.counts.val[k]! + ds.manifest.counts.test[k]!;
    assert.equal(total(0), 18);
    assert.equal(total(1), 18);
    const picks = rows.map((l) => l.split(' ')).map(([m, x, y]) => ({ m: (m as string).replace('.mrc', ''), x: Number(x), y: Number(y) }));
    let background = 0;
    for (const s of Object.values(ds.splits)) {
      for (const id of s.ids()) {
        const [m, x, y] = id.split(':');
        const q = { x: Number(x), y: Number(y) };
        const nearest = Math.min(...picks.filter((p) => p.m === m).map((p) => Math.hypot(p.x - q.x, p.y - q.y)));
        if (nearest > 0) { background++; assert.ok(nearest >= 12, `background window ${id} is ${nearest.toFixed(1)} px from a pick`); }
      }
      s.close();
    }
    assert.equal(background, 18);
    // the negatives are part of the dataset version: another distance is another dataset
    const other = parseClassifierConfig({ ...JSON.parse(JSON.stringify(config)), etl_params: { ...config.etl_params, particles: { ...config.etl_params.particles, negatives: { class: 'background', per_micrograph: null, min_distance: 0.8 } } } });
    const r2 = await prepareCropDataset(other);
    assert.notEqual(r2.manifest.version, r.manifest.version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
