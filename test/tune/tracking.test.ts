// Offline tracking: CRC32C vectors, TFRecord framing round trip, event file decoding, run folder
// layout, and the dataset manifest hash (content-addressed, path-independent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { crc32c, decodeScalarEvents, encodeScalarEvent, frameRecord, maskedCrc32c, readEventRecords } from '../../src/tune/tfevents.js';
import { createRunFolder } from '../../src/tune/tracker.js';
import { buildDatasetManifest } from '../../src/tune/manifest.js';
import { FileExistsError } from '../../src/io/atomic-write.js';

test('CRC32C matches the standard check values', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  const c = crc32c(new TextEncoder().encode('123456789'));
  assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
});

test('scalar events: protobuf bytes and TFRecord framing', () => {
  // Event{wall_time=0.5, step=3, summary{value{tag:"a", simple_value:1}}} by hand:
  const expected = [0x09, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0x10, 0x03, 0x2a, 0x0a, 0x0a, 0x08, 0x0a, 0x01, 0x61, 0x15, 0, 0, 0x80, 0x3f];
  assert.deepEqual([...encodeScalarEvent(0.5, 3, { a: 1 })], expected);
  const rec = frameRecord(Uint8Array.from(expected));
  assert.equal(rec.length, expected.length + 16);
  assert.deepEqual([...readEventRecords(rec)[0] as Uint8Array], expected);
  const bad = rec.slice(); bad[14] = (bad[14] as number) ^ 1;
  assert.throws(() => readEventRecords(bad), RangeError);
});

test('run folder: metrics.jsonl, tfevents readable back, refuses to reuse a folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cryopick-track-'));
  try {
    const run = createRunFolder(root, 'run1');
    run.logMetrics(0, { loss: 0.5, auprc: 0.25 }, { phase: 'train' });
    run.logMetrics(1, { loss: 0.25, auprc: Number.NaN });
    await run.writeJson('config.json', { a: 1 });
    const lines = readFileSync(join(run.dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.phase, 'train');
    const evFile = readdirSync(join(run.dir, 'tensorboard')).find((f) => f.startsWith('events.out.tfevents.'));
    assert.ok(evFile);
    const events = decodeScalarEvents(readFileSync(join(run.dir, 'tensorboard', evFile)));
    assert.deepEqual(events.map((e) => [e.step, e.tag, e.value]), [[0, 'loss', 0.5], [0, 'auprc', 0.25], [1, 'loss', 0.25]]);
    assert.throws(() => createRunFolder(root, 'run1'), FileExistsError);
    assert.doesNotThrow(() => createRunFolder(root, 'run1', { overwrite: true }));
  } finally { rmSync(root, { recursive: true, force: true }); }
});

test('dataset manifest: id depends on content and splits, not on where files live', async () => {
  const a = mkdtempSync(join(tmpdir(), 'cryopick-man-'));
  const b = mkdtempSync(join(tmpdir(), 'cryopick-man-'));
  try {
    writeFileSync(join(a, 'm1.mrc'), 'one');
    writeFileSync(join(a, 'm2.mrc'), 'two');
    writeFileSync(join(a, 'p.star'), 'picks');
    for (const f of ['m1.mrc', 'm2.mrc', 'p.star']) copyFileSync(join(a, f), join(b, f));
    const m = (d: string, split = ['m1']): Promise<Awaited<ReturnType<typeof buildDatasetManifest>>> =>
      buildDatasetManifest({ micrographs: [join(d, 'm2.mrc'), join(d, 'm1.mrc')], picks: [join(d, 'p.star')], splits: { train: split } });
    const ma = await m(a), mb = await m(b);
    assert.equal(ma.id, mb.id);
    assert.equal(ma.micrographs[0]?.name, 'm1.mrc');
    assert.equal(ma.micrographs[0]?.sha256, createHash('sha256').update('one').digest('hex'));
    assert.equal(ma.micrographs[0]?.bytes, 3);
    assert.notEqual((await m(a, ['m2'])).id, ma.id);
    writeFileSync(join(b, 'm2.mrc'), 'TWO');
    assert.notEqual((await m(b)).id, ma.id);
  } finally { rmSync(a, { recursive: true, force: true }); rmSync(b, { recursive: true, force: true }); }
});
