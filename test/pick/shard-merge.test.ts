// Shards and merge: the hash assignment is a partition stable under added micrographs, a shard
// resumes like a whole run, merge refuses different settings and different model files (SHA-256)
// and reports missing or unfinished shards, and the merged run is byte-identical to a
// single-process run (library and CLI), thresholded by the same rule (the general model's automatic one too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, unlink, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { mergeShards } from '../../src/pick/merge.js';
import { parseShard, shardOf, shardPositions } from '../../src/pick/shard.js';
import { ConfigError, UsageError, UserError } from '../../src/errors.js';
import type { Image2D } from '../../src/image/image.js';
import { blobImage, fakeModel } from './_fake-model.js';
import { runCli, snapshotFiles, writeTestMicrographs, writeTestModel } from '../_pick-fixture.js';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';

const NAMES = Array.from({ length: 12 }, (_, i) => `mics/m${i}.mrc`);
const readImage = async (name: string): Promise<Image2D> => {
  const i = Number(/m(\d+)/.exec(name)?.[1]);
  return blobImage(200, 180, [{ x: 50 + i, y: 60, peak: 4 }, { x: 140, y: 120 - i, peak: 2 }], 5);
};
const OPTS = { minDistancePx: 40, floor: -6, inference: 'dense' as const, diameterPx: 40, readImage, modelId: 'fake' };

test('shard assignment: a partition by name hash, stable when micrographs are added', () => {
  const parts = [1, 2, 3].map((k) => shardPositions(NAMES, { index: k, count: 3 }));
  assert.deepEqual(parts.flat().sort((a, b) => a - b), NAMES.map((_, i) => i));
  const more = [...NAMES, 'new/a.mrc', 'new/b.mrc', 'other/m3.tif'];
  for (const n of NAMES) assert.equal(shardOf(n, 3), shardOf(`elsewhere/${n.slice(5)}`, 3));
  assert.deepEqual(shardPositions(more, { index: 2, count: 3 }).filter((i) => i < NAMES.length), parts[1]);
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) assert.throws(() => parseShard(bad), UsageError, bad);
});

test('shards resume like a whole run and merge into exactly the single-process run', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-shard-'));
  try {
    const single = join(root, 'single');
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: single });
    const dirs = [1, 2, 3].map((k) => join(root, `shard-${k}`));
    // shard 1 is interrupted after one micrograph, then resumed
    const ac = new AbortController();
    const first = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: dirs[0]!, shard: { index: 1, count: 3 }, concurrency: 1, signal: ac.signal, onProgress: () => ac.abort() });
    assert.equal(first.interrupted, true);
    await assert.rejects(mergeShards(dirs.slice(0, 1), join(root, 'm0')), (e: ConfigError) => /missing shard\(s\) 2\/3, 3\/3/.test(e.message) && /shard 1\/3 is incomplete/.test(e.message));
    const model = fakeModel(2);
    const resumed = await pickMicrographs(NAMES, model, { ...OPTS, outDir: dirs[0]!, shard: { index: 1, count: 3 }, resume: true });
    assert.equal(resumed.skipped, 1);
    assert.equal(model.calls, resumed.micrographs.length - 1);
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: dirs[0]!, shard: { index: 1, count: 2 }, resume: true }), /shard: was 1\/3, now 1\/2/);
    for (const k of [2, 3]) await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: dirs[k - 1]!, shard: { index: k, count: 3 } });

    const merged = join(root, 'merged');
    const r = await mergeShards([dirs[2]!, dirs[0]!, dirs[1]!], merged);
    assert.deepEqual(r.manifest.micrographs, NAMES);
    assert.deepEqual(await snapshotFiles(merged), await snapshotFiles(single));
    await assert.rejects(mergeShards(dirs, merged), UserError);
    await mergeShards(dirs, merged, { overwrite: true });

    // different settings, a shard twice, a whole run, a missing detection file
    const odd = join(root, 'odd');
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, floor: -5, outDir: odd, shard: { index: 3, count: 3 } });
    await assert.rejects(mergeShards([dirs[0]!, dirs[1]!, odd], join(root, 'x')), (e: ConfigError) => /floor: was -6, now -5/.test(e.message));
    await assert.rejects(mergeShards([dirs[0]!, dirs[1]!, dirs[1]!], join(root, 'x')), /is shard 2\/3 again/);
    await assert.rejects(mergeShards([dirs[0]!, single], join(root, 'x')), /not a shard/);
    const m2 = JSON.parse(await readFile(join(dirs[1]!, 'pick-run.json'), 'utf8')) as { micrographs: string[] };
    await unlink(join(dirs[1]!, 'detections', `${m2.micrographs[0]!.slice(5, -4)}.tsv`));
    await assert.rejects(mergeShards(dirs, join(root, 'x')), new RegExp(`shard 2/3 is incomplete: 1 of ${m2.micrographs.length} micrographs not picked`));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('merge refuses shards picked with different model files (SHA-256), naming each group, and shards that recorded none', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-shard-sha-'));
  try {
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    const pickShard = (k: number, dir: string, modelSha256?: string): Promise<unknown> =>
      pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: join(root, dir), shard: { index: k, count: 3 }, ...(modelSha256 === undefined ? {} : { modelSha256 }) });
    await pickShard(1, 's1', a);
    await pickShard(2, 's2', b);
    await pickShard(3, 's3', a);
    const dirs = ['s1', 's2', 's3'].map((d) => join(root, d));
    await assert.rejects(mergeShards(dirs, join(root, 'x')), (e: unknown) => e instanceof ConfigError
      && /the shards were picked with 2 different model files: SHA-256 aaaaaaaaaaaa… \(fake\) in shard 1\/3 \([^)]*s1\), shard 3\/3 \([^)]*s3\); SHA-256 bbbbbbbbbbbb… \(fake\) in shard 2\/3 \([^)]*s2\)/.test(e.message)
      && /re-pick the odd ones/.test(e.message) && !/another model: the earlier run/.test(e.message));
    // a shard from a cryopick that did not record the model's SHA-256 cannot be shown to match
    await pickShard(2, 's2-old');
    await assert.rejects(mergeShards([dirs[0]!, join(root, 's2-old'), dirs[2]!], join(root, 'x')), /shard 2\/3 \([^)]*s2-old\) recorded no model SHA-256/);
    assert.equal(existsSync(join(root, 'x')), false, 'nothing written by a refused merge');
    await pickShard(2, 's2-same', a);
    const ok = await mergeShards([dirs[0]!, join(root, 's2-same'), dirs[2]!], join(root, 'merged'));
    assert.equal(ok.manifest.modelSha256, a);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('cryopick pick --shard and cryopick merge give byte-identical formatted outputs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-shard-cli-'));
  try {
    const model = await writeTestModel(join(root, 'model.onnx'));
    await writeTestMicrographs(join(root, 'mics'), 6);
    const common = [join(root, 'mics'), '--model', model, '--threshold', '-2', '--floor', '-8', '--workers', '1'];
    const formats = ['--format', 'star,cs,box,cbox,topaz'];
    await runCli(['pick', ...common, ...formats, '--out', join(root, 'single')]);
    for (const k of [1, 2]) assert.match(await runCli(['pick', ...common, '--shard', `${k}/2`, '--out', join(root, `s${k}`)]), new RegExp(`shard ${k}/2: picked`));
    const text = await runCli(['merge', join(root, 's1'), join(root, 's2'), ...formats, '--threshold', '-2', '--out', join(root, 'merged'), '--report', join(root, 'merged.html')]);
    assert.match(text, /merged 2 shard\(s\): 6 micrograph\(s\)/);
    assert.ok(Number(/(\d+) particles/.exec(text)?.[1]) > 6, text);
    assert.deepEqual(await snapshotFiles(join(root, 'merged')), await snapshotFiles(join(root, 'single')));
    assert.match(await readFile(join(root, 'merged.html'), 'utf8'), /<html/);
    // the model re-trained in place (same path, other weights) before shard 2 is picked again: merge refuses
    await unlink(model);
    await writeTestModel(model, 4);
    await runCli(['pick', ...common, '--shard', '2/2', '--out', join(root, 's2-new')]);
    await assert.rejects(runCli(['merge', join(root, 's1'), join(root, 's2-new'), '--out', join(root, 'mixed')]), /2 different model files: SHA-256 \w{12}… \(\S*model\.onnx\) in shard 1\/2 .*; SHA-256 \w{12}… \(\S*model\.onnx\) in shard 2\/2/);
    await assert.rejects(runCli(['pick', ...common, '--shard', '3/2', '--out', join(root, 'bad')]), UsageError);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the general model: merge thresholds the shards from all their scores, as one pick run does (not at a fixed default)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-shard-general-'));
  try {
    await simulateDataset({ outDir: join(root, 'sim'), params: { ...PRESETS.quick.params, width: 512, height: 512, particlesPerMicrograph: 20 }, count: 4, seed: 9 });
    const common = [join(root, 'sim', 'micrographs'), '--model', 'general', '--particle-diameter-px', '40', '--workers', '1', '--threads', '1'];
    const single = await runCli(['pick', ...common, '--out', join(root, 'single')]);
    const chosen = /threshold (-?\d+\.\d+) from the score distribution/.exec(single)?.[1];
    assert.ok(chosen !== undefined, single);
    for (const k of [1, 2]) await runCli(['pick', ...common, '--shard', `${k}/2`, '--out', join(root, `s${k}`)]);
    const merged = await runCli(['merge', join(root, 's1'), join(root, 's2'), '--out', join(root, 'merged')]);
    assert.match(merged, new RegExp(`threshold ${chosen} from the score distribution`), merged);
    assert.deepEqual(await snapshotFiles(join(root, 'merged')), await snapshotFiles(join(root, 'single')));
    // report and view show the run at the threshold pick applied (was the fixed default of the inference mode)
    const { buildPickReport } = await import('../../src/report/pick-report.js');
    const near = (t: unknown): boolean => Math.abs(Number(t) - Number(chosen)) < 0.006; // printed with 2 decimals
    const reported = (await buildPickReport(join(root, 'single'), { previews: 0 })).parameters?.['threshold'];
    assert.ok(near(reported), `report threshold ${String(reported)}, pick printed ${chosen}`);
    const { pickRunSource } = await import('../../src/web/view-sources.js');
    const viewed = (await pickRunSource(join(root, 'merged'), [], undefined)).init.threshold;
    assert.ok(near(viewed), `view threshold ${viewed}, pick printed ${chosen}`);
    // a threshold given to merge still wins
    assert.match(await runCli(['merge', join(root, 's1'), join(root, 's2'), '--threshold', '1.5', '--out', join(root, 'merged-fixed')]), /particles at score >= 1\.5 /);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('cryopick preprocess --shard: the shards together write exactly the unsharded output', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-shard-pre-'));
  try {
    await writeTestMicrographs(join(root, 'mics'), 5);
    const common = ['preprocess', join(root, 'mics'), '-s', '2', '--normalize', 'standardize', '-t', '1'];
    await runCli([...common, '-o', join(root, 'whole')]);
    const texts = [];
    for (const k of [1, 2, 3]) texts.push(await runCli([...common, '--shard', `${k}/3`, '-o', join(root, 'sharded')]));
    assert.equal(texts.map((t) => Number(/preprocessed (\d+)/.exec(t)?.[1])).reduce((a, b) => a + b, 0), 5);
    assert.match(texts[0]!, /\(shard 1\/3 of 5\)/);
    assert.deepEqual(await snapshotFiles(join(root, 'sharded')), await snapshotFiles(join(root, 'whole')));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
