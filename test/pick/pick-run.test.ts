// The dataset run: streaming pool with progress, resume after a simulated interruption gives
// byte-identical results, manifest checks, formatted outputs, and the three threshold rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickMicrographs, type PickProgress } from '../../src/pick/pick-run.js';
import { writePickOutputs } from '../../src/pick/outputs.js';
import { resolveThreshold } from '../../src/pick/threshold.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { ConfigError, UserError } from '../../src/errors.js';
import type { Image2D } from '../../src/image/image.js';
import { blobImage, fakeModel, type Blob } from './_fake-model.js';

const NAMES = Array.from({ length: 6 }, (_, i) => `mics/mic_${i}.mrc`);

/** Micrograph i has i + 2 blobs with scores 4, 3, 2, ... and one weak blob at −3. */
function blobsOf(name: string): Blob[] {
  const i = Number(/mic_(\d+)/.exec(name)?.[1]);
  const blobs: Blob[] = [];
  for (let k = 0; k < i + 2; k++) blobs.push({ x: 40 + (k % 4) * 70, y: 40 + Math.floor(k / 4) * 70, peak: 4 - k * 0.5 });
  blobs.push({ x: 300, y: 280, peak: -3 });
  return blobs;
}

const readImage = async (name: string): Promise<Image2D> => blobImage(340, 320, blobsOf(name), 5);
const OPTS = { minDistancePx: 40, floor: -6, inference: 'dense' as const, diameterPx: 40, readImage, modelId: 'fake' };

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(join(dir, 'detections'))).filter((f) => f.endsWith('.tsv')).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, 'detections', f), 'utf8')] as const)));
}

test('resume after an interruption gives exactly the result of an uninterrupted run', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-pick-'));
  try {
    const full = join(root, 'full');
    const progress: PickProgress[] = [];
    const r = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: full, concurrency: 3, onProgress: (p) => progress.push(p) });
    assert.deepEqual([r.picked, r.skipped, r.interrupted], [6, 0, false]);
    assert.equal(progress.length, 6);
    assert.equal(progress.at(-1)?.done, 6);
    assert.ok(progress.every((p) => p.total === 6 && p.micrographsPerSecond >= 0));
    const expected = await snapshot(full);
    assert.equal(Object.keys(expected).length, 6);

    // interrupted run: abort after two micrographs, plus a stray temp file as left by kill -9
    const part = join(root, 'part');
    const ac = new AbortController();
    const first = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: part, concurrency: 1, signal: ac.signal, onProgress: (p) => { if (p.done === 2) ac.abort(); } });
    assert.equal(first.interrupted, true);
    await writeFile(join(part, 'detections', 'mic_4.tsv.123.abc.tmp'), 'half a fi');
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: part }), UserError);
    const model = fakeModel(2);
    const second = await pickMicrographs(NAMES, model, { ...OPTS, outDir: part, resume: true });
    assert.deepEqual([second.skipped, second.picked, model.calls], [2, 4, 4]);
    assert.deepEqual(await snapshot(part), expected);
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: part, resume: true, floor: -5 }), ConfigError);
    await assert.rejects(pickMicrographs(['a/x.mrc', 'b/x.mrc'], fakeModel(2), { ...OPTS, outDir: join(root, 'dup') }), ConfigError);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('outputs in every format carry the thresholded picks with scores; threshold rules', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-pick-'));
  try {
    const run = join(root, 'run');
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: run });
    // blobs with peak > 0: micrograph i has min(i + 2, 8) of them; the −3 blob is below 0
    const strong = NAMES.reduce((s, n) => s + blobsOf(n).filter((b) => b.peak > 0).length, 0);
    const out = join(root, 'out');
    const res = await writePickOutputs(run, NAMES, 0, ['star', 'cs', 'box', 'cbox', 'topaz'], out);
    assert.equal(res.particles, strong);
    for (const path of [join(out, 'relion', 'autopick.star'), join(out, 'particles.cs'), join(out, 'particles.txt'), join(out, 'box'), join(out, 'cbox')]) {
      const picks = await readCoordinates(path, path.endsWith('box') ? { boxSize: 40 } : {});
      assert.equal(picks.reduce((s, m) => s + m.particles.length, 0), strong, path);
      if (!path.endsWith('box')) assert.ok(picks.every((m) => m.particles.every((p) => p.score !== undefined && p.score >= 0)), path);
    }
    await assert.rejects(writePickOutputs(run, NAMES, 0, ['topaz'], out), /already exists/);

    const byScore = await resolveThreshold(run, NAMES, { kind: 'score', threshold: 1.5 });
    assert.equal(byScore.threshold, 1.5);
    const byCount = await resolveThreshold(run, NAMES, { kind: 'count', perMicrograph: 2 });
    const kept = await writePickOutputs(run, NAMES, byCount.threshold, ['topaz'], join(root, 'count'));
    assert.ok(kept.particles >= 12 && kept.particles <= 18, `${kept.particles}`);
    // labelled data: the blobs with peak ≥ 2.5 are "real", the rest false picks
    const references = NAMES.map((n) => ({ micrograph: n, frame: { binning: 1, yFlipped: false }, particles: blobsOf(n).filter((b) => b.peak >= 2.5) }));
    const byPrecision = await resolveThreshold(run, NAMES, { kind: 'precision', target: 1, references, diameterPx: 40 });
    assert.ok(byPrecision.threshold > 2 && byPrecision.threshold <= 2.5 + 1e-3, `${byPrecision.threshold}`);
    assert.match(byPrecision.detail, /precision 1\.000, recall 1\.000/);
    await unlink(join(run, 'detections', 'mic_0.tsv'));
    await assert.rejects(resolveThreshold(run, NAMES, { kind: 'count', perMicrograph: 1 }), /incomplete/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('when several in-flight micrographs fail, the message names the earliest in input order', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-pick-'));
  try {
    // mic_0 fails last (after a delay), mic_1 fails at once: the report still names mic_0
    const failing = async (name: string): Promise<Image2D> => {
      if (name.endsWith('mic_0.mrc')) await new Promise((r) => setTimeout(r, 50));
      throw new UserError('EFORMAT', `${name}: not an MRC file`);
    };
    await assert.rejects(
      pickMicrographs(NAMES, fakeModel(2), { ...OPTS, readImage: failing, outDir: join(root, 'out'), concurrency: 2 }),
      (err: Error) => /mic_0\.mrc: not an MRC file/.test(err.message) && !/mic_1/.test(err.message),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
