// Explicit negatives for the picker's trainer: negative pick files and micrographs marked empty
// become known-negative labels (−1) in the masks and batches, bad inputs get one message, and a
// short training with negatives at the junk scores the junk lower than the same training without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeImage } from '../../src/image/image.js';
import { writeMrc } from '../../src/io/mrc.js';
import { writeCoordinates } from '../../src/io/coordinate-formats.js';
import { ConfigError } from '../../src/errors.js';
import { labelMask } from '../../src/train/labels.js';
import { countNegative, matchEmptyMicrographs, negativeMask, readEmptyNames } from '../../src/train/negatives.js';
import { loadLabelledMicrographs, readPicks } from '../../src/train/load-data.js';
import { DenseSampler } from '../../src/train/dense-sampler.js';
import { PatchSampler } from '../../src/train/sampler.js';
import { trainingRandom } from '../../src/train/split.js';
import { gridFrame } from '../../src/image/downsample.js';
import { trainPicker } from '../../src/train/trainer.js';
import { loadPickerModel } from '../../src/models/load-picker.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import type { TrainParamsInput } from '../../src/train/params.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { capture } from '../_cli-capture.js';

type Pt = { x: number; y: number };

/** Micrographs with particles (small bright blobs) and junk (large bright blobs); the last has junk only. */
async function junkSet(count: number, size: number, seed: number): Promise<{ dir: string; micrographs: string[]; picks: string; junk: string; truth: Pt[][]; junkAt: Pt[][] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-neg-'));
  let a = seed + 7;
  const rnd = (): number => { a = (a * 48271) % 2147483647; return a / 2147483647; };
  const gauss = (): number => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
  const micrographs: string[] = [];
  const pickSets = []; const junkSets = []; const truth: Pt[][] = []; const junkAt: Pt[][] = [];
  for (let m = 0; m < count; m++) {
    const data = new Float32Array(size * size).map(() => gauss());
    const centres: Pt[] = [];
    const nPart = m === count - 1 ? 0 : 10;
    const want = nPart + 6;
    for (let tries = 0; centres.length < want && tries < 5000; tries++) {
      const c = { x: Math.round(10 + rnd() * (size - 20)), y: Math.round(10 + rnd() * (size - 20)) };
      if (centres.every((q) => (q.x - c.x) ** 2 + (q.y - c.y) ** 2 >= 20 * 20)) centres.push(c);
    }
    const parts = centres.slice(0, nPart);
    const junk = centres.slice(nPart);
    const blob = (c: Pt, sigma: number, amp: number): void => {
      const r = Math.ceil(3 * sigma);
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const x = c.x + dx; const y = c.y + dy;
        if (x >= 0 && y >= 0 && x < size && y < size) data[y * size + x] = (data[y * size + x] as number) + amp * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      }
    };
    for (const c of parts) blob(c, 2.5, 2.5);
    for (const c of junk) blob(c, 5, 2.5);
    const path = join(dir, `mic${m}.mrc`);
    await writeMrc(path, makeImage(size, size, data));
    micrographs.push(path);
    truth.push(parts); junkAt.push(junk);
    if (parts.length > 0) pickSets.push({ micrograph: `mic${m}`, particles: parts.slice(0, 7), frame: { binning: 1, yFlipped: false } });
    junkSets.push({ micrograph: `mic${m}`, particles: junk, frame: { binning: 1, yFlipped: false } });
  }
  const picks = join(dir, 'picks.star');
  const junk = join(dir, 'junk.star');
  await writeCoordinates(picks, pickSets, 'star');
  await writeCoordinates(junk, junkSets.slice(0, -1), 'star');
  return { dir, micrographs, picks, junk, truth, junkAt };
}

test('negative mask: disks around negative picks or the whole empty micrograph; positives win', () => {
  const pos = labelMask(20, 20, [{ x: 5, y: 5 }], 2);
  const m = negativeMask(20, 20, [{ x: 6, y: 5 }, { x: 15, y: 15 }], 2, false, pos) as Uint8Array;
  assert.equal(m[5 * 20 + 5], 0, 'a positive pixel is never a known negative');
  assert.equal(m[15 * 20 + 15], 1);
  assert.equal(m[0], 0);
  assert.equal(countNegative(negativeMask(20, 20, [], 2, true, new Uint8Array(400))), 400);
  assert.equal(negativeMask(20, 20, [], 2, false, pos), undefined);
});

test('--empty-micrographs: names, files and .txt lists; unknown names and picked micrographs refused in one message', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-neg-'));
  const list = join(dir, 'empty.txt');
  await writeFile(list, '# marked empty in the viewer\nmic2.mrc\n\nmic3\n');
  const names = readEmptyNames(['/data/mic1.mrc', list]);
  assert.deepEqual(names, ['/data/mic1.mrc', 'mic2.mrc', 'mic3']);
  assert.throws(() => readEmptyNames([join(dir, 'missing.txt')]), (e: unknown) => e instanceof ConfigError && /missing\.txt.*does not exist/.test(e.message));
  const paths = ['/d/mic1.mrc', '/d/mic2.mrc', '/d/mic3.mrc'];
  assert.deepEqual([...matchEmptyMicrographs(names, paths, new Map())].sort(), paths);
  assert.throws(() => matchEmptyMicrographs(['mic9', 'mic1'], paths, new Map([['/d/mic1.mrc', [{ x: 1, y: 1 }]]])), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /mic9: is marked empty .* matches none of the --micrographs/);
    assert.match(e.message, /mic1\.mrc: is marked empty .* has 1 particle pick/);
    return true;
  });
});

test('loading: negative picks and empty micrographs become known negatives; samplers label them −1', async () => {
  const set = await junkSet(3, 128, 1);
  const nJunk = (set.junkAt[0]?.length ?? 0) + (set.junkAt[1]?.length ?? 0);
  assert.ok((set.junkAt[0]?.length ?? 0) >= 3 && (set.junkAt[1]?.length ?? 0) >= 3, 'the generator placed junk');
  const empty = set.micrographs[2] as string;
  const messages: string[] = [];
  const mics = await loadLabelledMicrographs(set.micrographs, await readPicks([set.picks], 1), {
    picksBinning: 1, radius: 3, onMessage: (s) => messages.push(s),
    preprocess: async (image) => ({ image, frame: gridFrame({ factorX: 1, factorY: 1 }) }),
    negatives: { picks: await readPicks([set.junk], 1), emptyMicrographs: [empty], radius: 4 },
  });
  assert.equal(mics.length, 3, 'the empty micrograph is used for training');
  assert.ok(messages.some((s) => s.includes(`known negatives: ${nJunk} negative pick(s) on 2 micrograph(s), 1 empty micrograph(s)`)), messages.join('\n'));
  const [m0, , m2] = mics;
  const n0 = set.junkAt[0]?.length ?? 0;
  assert.equal(m0?.negativePicks?.length, n0);
  assert.equal(countNegative(m0?.negatives), n0 * 49, 'disks of radius 4 (49 px) around the junk');
  assert.equal(countNegative(m2?.negatives), 128 * 128, 'every pixel of the empty micrograph');
  const dense = new DenseSampler(mics, { crop: 40, out: 30, offset: 5, balance: 0.5, augment: true }, trainingRandom(1));
  const labels = new Set<number>();
  for (let i = 0; i < 20; i++) for (const v of dense.sample(2).y) labels.add(v);
  assert.deepEqual([...labels].sort(), [-1, 0, 1]);
  const patch = new PatchSampler([m2!], { size: 9, balance: 0, excludeLabelled: false, augment: false }, trainingRandom(2));
  assert.ok(patch.sample(16).y.every((v) => v === -1), 'every pixel of an empty micrograph is a known negative');
  // the viewer's labels folder (one file per micrograph, none for an empty one): without the flag the
  // empty file's micrograph is left out, with a hint to name it with --empty-micrographs
  const labelsDir = join(set.dir, 'labels') + '/';
  await writeCoordinates(labelsDir, [{ micrograph: 'mic0', particles: [{ x: 20, y: 20 }], frame: { binning: 1, yFlipped: false } },
    { micrograph: 'mic2', particles: [], frame: { binning: 1, yFlipped: false } }], 'star', { perMicrograph: true });
  const hints: string[] = [];
  const viewerSet = await loadLabelledMicrographs(set.micrographs, await readPicks([labelsDir], 1), {
    picksBinning: 1, radius: 3, onMessage: (t) => hints.push(t), preprocess: async (image) => ({ image, frame: gridFrame({ factorX: 1, factorY: 1 }) }),
  });
  assert.equal(viewerSet.length, 1);
  assert.ok(hints.some((t) => /2 micrograph\(s\) have no picks .*1 of them have an empty coordinate file: name micrographs without particles with --empty-micrographs/.test(t)), hints.join('\n'));
  // negatives alone are not a training set
  await assert.rejects(loadLabelledMicrographs([empty], new Map(), {
    picksBinning: 1, radius: 3, preprocess: async (image) => ({ image, frame: gridFrame({ factorX: 1, factorY: 1 }) }),
    negatives: { picks: new Map(), emptyMicrographs: [empty], radius: 3 },
  }), /no micrograph has picks/);
});

async function meanScoreAt(model: string, micrographs: readonly string[], at: readonly Pt[][]): Promise<number> {
  const picker = await loadPickerModel(model, { threads: 1 });
  let sum = 0; let n = 0;
  for (const [i, path] of micrographs.entries()) {
    const img = await readMicrograph(path);
    const map = await picker.scoreMap(img);
    for (const p of at[i] ?? []) { sum += map[p.y * img.width + p.x] as number; n++; }
  }
  await picker.release();
  return sum / Math.max(n, 1);
}

test('training with known negatives scores the junk lower than the same training without', async () => {
  const set = await junkSet(4, 112, 3);
  const base: TrainParamsInput = {
    micrographs: set.micrographs, picks: [set.picks], expectedParticles: 10, downsample: 1, model: 'conv31', units: 8, mode: 'dense', normalize: 'standard',
    loss: 'PU', cropSize: 64, cropsPerStep: 4, epochs: 2, epochSize: 30, learningRate: 2e-3, testFraction: 0, threads: 1, seed: 5,
  };
  const plain = await trainPicker(base, { outDir: join(set.dir, 'plain'), plots: false });
  const messages: string[] = [];
  const withNeg = await trainPicker({ ...base, negatives: [set.junk], emptyMicrographs: [set.micrographs[3] as string] },
    { outDir: join(set.dir, 'neg'), plots: false, onMessage: (s) => messages.push(s) });
  assert.ok(messages.some((s) => /known negatives/.test(s)), messages.join('\n'));
  const junkPlain = await meanScoreAt(plain.modelPath, set.micrographs, set.junkAt);
  const junkNeg = await meanScoreAt(withNeg.modelPath, set.micrographs, set.junkAt);
  const partPlain = await meanScoreAt(plain.modelPath, set.micrographs, set.truth);
  const partNeg = await meanScoreAt(withNeg.modelPath, set.micrographs, set.truth);
  // the margin particle − junk (logits) grows with the negatives
  assert.ok(partNeg - junkNeg > partPlain - junkPlain + 0.5,
    `particle − junk logit margin: with negatives ${(partNeg - junkNeg).toFixed(2)}, without ${(partPlain - junkPlain).toFixed(2)}`);
  assert.ok(junkNeg < partNeg, 'junk below particles with negatives');
});


test('cryopick train --negatives --empty-micrographs: trains on them and records them; bad names are one message', async () => {
  const set = await junkSet(3, 112, 9);
  const out = join(set.dir, 'cli');
  const list = join(set.dir, 'empty.txt');
  await writeFile(list, 'mic2\n');
  const flags = ['train', '--micrographs', ...set.micrographs, '--picks', set.picks, '-n', '10', '--downsample', '1', '--model', 'conv31', '--units', '4',
    '--crop-size', '48', '--crops-per-step', '2', '--epochs', '1', '--epoch-size', '3', '--test-fraction', '0', '--threads', '1', '--quiet'];
  const r = await capture([...flags, '--negatives', set.junk, '--empty-micrographs', list, '--negative-radius-grid-px', '5', '--negative-weight', '2', '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /known negatives: \d+ negative pick\(s\) on 2 micrograph\(s\), 1 empty micrograph\(s\)/);
  assert.ok(existsSync(join(out, 'model.onnx')));
  const run = JSON.parse(await readFile(join(out, 'train-run.json'), 'utf8')) as { params: Record<string, unknown> } & Record<string, unknown>;
  const params = (run.params ?? run) as Record<string, unknown>;
  assert.deepEqual(params['negatives'], [set.junk]);
  assert.deepEqual(params['emptyMicrographs'], [list]);
  assert.equal(params['negativeRadius'], 5);
  assert.equal(params['negativeWeight'], 2);
  // names that match nothing, and a "empty" micrograph that has picks, are refused before any work
  const bad = await capture([...flags, '--empty-micrographs', 'mic0', 'nosuch.mrc', '-o', join(set.dir, 'bad')]);
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.err, /nosuch: is marked empty \(--empty-micrographs\) but matches none of the --micrographs/);
  assert.match(bad.err, /mic0\.mrc: is marked empty \(--empty-micrographs\) but has 7 particle pick\(s\)/);
  assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(join(set.dir, 'bad', 'model.onnx')));
});
