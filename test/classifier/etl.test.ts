// Signal ETL: streaming CSV parsing, centre fitting, balanced classes, seeded per-class splits
// with stored ids that never overlap, content-hashed versions that are reused, and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { openDataset } from '../../src/classifier/dataset-store.js';
import { prepareSignalDataset, splitCodes } from '../../src/classifier/etl.js';
import { fitLength, splitCsvLine } from '../../src/classifier/signal-csv.js';
import { writeSyntheticSignals } from '../../src/classifier/synthetic-signals.js';
import { FormatError } from '../../src/errors.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'cryopick-etl-'));
const config = (dir: string, extra: Record<string, unknown> = {}) => parseClassifierConfig({
  etl_params: { caps_data_dir: join(dir, 'csv'), examples_per_class: null, ...(extra['etl'] as object ?? {}) },
  shared_params: { output_dir: join(dir, 'out'), target_length: 40, num_classes: 3, dtype: 'float32', train_test_fraction: 0.8, train_val_fraction: 0.75, ...(extra['shared'] as object ?? {}) },
});

test('fitLength centre-truncates and centre-zero-pads as Capfinder', () => {
  assert.deepEqual([...fitLength([1, 2, 3, 4, 5, 6, 7], 4)], [2, 3, 4, 5]);
  assert.deepEqual([...fitLength([1, 2, 3], 6)], [0, 1, 2, 3, 0, 0]);
  assert.deepEqual([...fitLength([1, 2], 2)], [1, 2]);
});

test('splitCsvLine honours quotes', () => {
  assert.deepEqual(splitCsvLine('a,"1,2,3",c'), ['a', '1,2,3', 'c']);
  assert.deepEqual(splitCsvLine('"x ""q""",2,'), ['x "q"', '2', '']);
});

test('per-class permutation: disjoint splits of the requested sizes', () => {
  const { codes, sizes } = splitCodes(100, 50, 0.8, 0.75, 3);
  assert.deepEqual(sizes, [30, 10, 10]);
  const counts = [0, 0, 0, 0];
  for (const c of codes) counts[c]! += 1;
  assert.deepEqual(counts, [50, 30, 10, 10]);
});

test('ETL balances classes, stores split ids with no id in two splits, and reuses its version', async () => {
  const dir = tmp();
  try {
    writeSyntheticSignals(join(dir, 'csv'), { classes: 3, perClass: 30, length: 50, motifLength: 8, maxSpeedChange: 0.2, noise: 0.3, seed: 2 });
    appendFileSync(join(dir, 'csv', 'class_1.csv'), 'extra-1,1,"1,2,3"\nextra-2,1,"4,5"\n');
    const c = config(dir);
    const a = await prepareSignalDataset(c);
    assert.equal(a.reused, false);
    const { manifest, splits } = openDataset(a.dir);
    assert.deepEqual(manifest.classes, ['0', '1', '2']);
    assert.deepEqual(manifest.counts.train, [18, 18, 18]);
    assert.deepEqual(manifest.counts.val, [6, 6, 6]);
    assert.deepEqual(manifest.counts.test, [6, 6, 6]);
    const ids = { train: splits.train.ids(), val: splits.val.ids(), test: splits.test.ids() };
    assert.equal(ids.train.length, 54);
    const all = [...ids.train, ...ids.val, ...ids.test];
    assert.equal(new Set(all).size, all.length, 'an id is in two splits');
    // labels match the class encoded in the synthetic ids
    ids.test.forEach((id, i) => assert.equal(String(splits.test.labels[i]), id.split('-')[1]));
    const item = new Float32Array(40);
    splits.train.read(0, item);
    assert.ok(item.some((v) => v !== 0));
    const b = await prepareSignalDataset(c);
    assert.equal(b.reused, true);
    assert.equal(b.manifest.version, a.manifest.version);
    const d = await prepareSignalDataset(config(dir, { etl: { seed: 5 } }));
    assert.notEqual(d.manifest.version, a.manifest.version, 'a new seed is a new dataset');
    const e = await prepareSignalDataset(config(dir, { etl: { use_remote_dataset_version: a.manifest.version } }));
    assert.equal(e.dir, a.dir);
    for (const s of Object.values(splits)) s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ETL errors name the file and line; class-count mismatches list the classes', async () => {
  const dir = tmp();
  try {
    writeSyntheticSignals(join(dir, 'csv'), { classes: 3, perClass: 10, length: 30, motifLength: 8, maxSpeedChange: 0.1, noise: 0.3, seed: 2 });
    await assert.rejects(prepareSignalDataset(config(dir, { shared: { num_classes: 4 } })), /num_classes: is 4, but the data holds 3 classes \(0, 1, 2\)/);
    appendFileSync(join(dir, 'csv', 'class_2.csv'), 'bad-1,2,"1,x,3"\n');
    await assert.rejects(prepareSignalDataset(config(dir, { etl: { examples_per_class: 11 } })), (e: unknown) => e instanceof FormatError && /class_2\.csv/.test(e.message) && /line 12/.test(e.message) && /'x'/.test(e.message));
    writeFileSync(join(dir, 'csv', 'class_2.csv'), 'id,label,data\n');
    await assert.rejects(prepareSignalDataset(config(dir)), /expected the columns read_id, cap_class, timeseries/);
    writeFileSync(join(dir, 'csv', 'class_2.csv'), 'read_id,cap_class,timeseries\nread-0-1,2,"1,2"\n');
    await assert.rejects(prepareSignalDataset(config(dir, { shared: { num_classes: 3 }, etl: { examples_per_class: 1, } })), /leave the/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
