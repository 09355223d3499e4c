// The file pipeline: MRC outputs with the new pixel size, a worker pool giving the same pixels as
// one thread, cache hits and misses (params, bytes, storage mode), and the user errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preprocessFiles, preprocessedName, PreprocessFileError } from '../../src/preprocess/preprocess-files.js';
import { loadPreprocessedImage } from '../../src/preprocess/preprocess-file.js';
import { parsePreprocessParams } from '../../src/image/preprocess-params.js';
import { preprocessImage } from '../../src/image/preprocess.js';
import { makeImage } from '../../src/image/image.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { readMrc, writeMrc } from '../../src/io/mrc.js';
import { ConfigError } from '../../src/errors.js';
import { gaussianSource } from '../image/_gaussian.js';

const params = parsePreprocessParams({ downsample: { kind: 'factor', factor: 2 } });

async function fixture(count: number): Promise<{ dir: string; inputs: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-pp-'));
  const inputs: string[] = [];
  for (let i = 0; i < count; i++) {
    const g = gaussianSource(i + 1);
    const img = makeImage(96, 80, new Float32Array(96 * 80).map(() => 20 + 3 * g()), 1.5);
    const path = join(dir, `mic_${i}.mrc`);
    await writeMrc(path, img);
    inputs.push(path);
  }
  return { dir, inputs };
}

test('output names drop image and compression extensions', () => {
  assert.equal(preprocessedName('/a/b/m1.mrc'), 'm1.mrc');
  assert.equal(preprocessedName('m1.mrc.gz'), 'm1.mrc');
  assert.equal(preprocessedName('x.y.tiff'), 'x.y.mrc');
});

test('writes MRCs with the new pixel size; 2 threads give the same pixels as 1 and as preprocessImage', async () => {
  const { dir, inputs } = await fixture(4);
  try {
    const progress: number[] = [];
    const one = await preprocessFiles(inputs, join(dir, 'one'), params, { threads: 1, onProgress: (d) => progress.push(d) });
    const two = await preprocessFiles(inputs, join(dir, 'two'), params, { threads: 2 });
    assert.deepEqual(progress, [1, 2, 3, 4]);
    for (let i = 0; i < inputs.length; i++) {
      assert.equal(one[i]!.input, inputs[i]);
      const a = await readMrc(one[i]!.output);
      const b = await readMrc(two[i]!.output);
      assert.deepEqual([a.width, a.height], [48, 40]);
      assert.ok(Math.abs(a.pixelSizeA! - 3) < 1e-5);
      assert.equal(one[i]!.pixelSizeA, 3);
      assert.deepEqual(a.images[0]!.data, b.images[0]!.data);
      const direct = preprocessImage(await readMicrograph(inputs[i]!), params);
      assert.deepEqual(a.images[0]!.data, direct.data);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the cache: same input and params hit, changed params or bytes miss', async () => {
  const { dir, inputs } = await fixture(2);
  const cacheDir = join(dir, 'cache');
  try {
    const first = await preprocessFiles(inputs, join(dir, 'a'), params, { threads: 1, cacheDir });
    assert.deepEqual(first.map((r) => r.cached), [false, false]);
    const again = await preprocessFiles(inputs, join(dir, 'b'), params, { threads: 2, cacheDir });
    assert.deepEqual(again.map((r) => r.cached), [true, true]);
    assert.deepEqual((await readMrc(again[0]!.output)).images[0]!.data, (await readMrc(first[0]!.output)).images[0]!.data);
    assert.deepEqual(again[0]!.plan, first[0]!.plan);
    // different params: miss
    const other = parsePreprocessParams({ downsample: { kind: 'factor', factor: 2 }, invert: true });
    const inv = await preprocessFiles(inputs, undefined, other, { threads: 1, cacheDir });
    assert.deepEqual(inv.map((r) => r.cached), [false, false]);
    // changed bytes (same name): miss for that file only
    await writeMrc(inputs[0]!, makeImage(96, 80, new Float32Array(96 * 80).fill(1).map((v, i) => v + (i % 7)), 1.5), { overwrite: true });
    const changed = await preprocessFiles(inputs, undefined, params, { threads: 1, cacheDir });
    assert.deepEqual(changed.map((r) => r.cached), [false, true]);
    // float16 storage is a separate entry and half the size
    const half = await preprocessFiles(inputs, undefined, params, { threads: 1, cacheDir, mode: 'float16' });
    assert.deepEqual(half.map((r) => r.cached), [false, false]);
    assert.ok((await stat(half[1]!.output)).size < (await stat(changed[1]!.output)).size * 0.6);
    // loadPreprocessedImage: hit and miss give identical pixels
    const miss = await loadPreprocessedImage(inputs[1]!, parsePreprocessParams({}), { cacheDir, mode: 'float16' });
    const hit = await loadPreprocessedImage(inputs[1]!, parsePreprocessParams({}), { cacheDir, mode: 'float16' });
    assert.deepEqual([miss.cached, hit.cached], [false, true]);
    assert.deepEqual(miss.image.data, hit.image.data);
    assert.equal(hit.image.pixelSizeA, 1.5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('stat keys: a touched file misses, an untouched one hits', async () => {
  const { dir, inputs } = await fixture(1);
  const cacheDir = join(dir, 'cache');
  try {
    await preprocessFiles(inputs, undefined, params, { cacheDir, cacheKeyBy: 'stat', threads: 1 });
    const hit = await preprocessFiles(inputs, undefined, params, { cacheDir, cacheKeyBy: 'stat', threads: 1 });
    assert.equal(hit[0]!.cached, true);
    const { utimes } = await import('node:fs/promises');
    await utimes(inputs[0]!, new Date(), new Date(Date.now() + 5000));
    const miss = await preprocessFiles(inputs, undefined, params, { cacheDir, cacheKeyBy: 'stat', threads: 1 });
    assert.equal(miss[0]!.cached, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a permissive run has cache entries of its own: a strict run is never served a repaired micrograph', async () => {
  const { dir, inputs } = await fixture(1);
  const cacheDir = join(dir, 'cache');
  try {
    await preprocessFiles(inputs, undefined, params, { cacheDir, threads: 1, permissive: true });
    const strict = await preprocessFiles(inputs, undefined, params, { cacheDir, threads: 1 });
    assert.equal(strict[0]!.cached, false, 'the strict run does not reuse the permissive entry');
    const again = await preprocessFiles(inputs, undefined, params, { cacheDir, threads: 1, permissive: true });
    assert.equal(again[0]!.cached, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('existing or colliding outputs are refused before any work; a bad input names the file', async () => {
  const { dir, inputs } = await fixture(2);
  try {
    const out = join(dir, 'out');
    await preprocessFiles(inputs, out, params, { threads: 1 });
    await assert.rejects(preprocessFiles(inputs, out, params, { threads: 1 }), (e: unknown) => e instanceof ConfigError && /already exists/.test(e.message));
    await preprocessFiles(inputs, out, params, { threads: 1, overwrite: true });
    await assert.rejects(preprocessFiles([inputs[0]!, inputs[0]!], join(dir, 'dup'), params, { threads: 1 }), ConfigError);
    await assert.rejects(preprocessFiles(inputs, dir, params, { threads: 1, overwrite: true }),
      (e: unknown) => e instanceof ConfigError && /also an input/.test(e.message));
    const bad = join(dir, 'broken.mrc');
    await writeFile(bad, 'not an mrc file at all');
    for (const threads of [1, 2]) {
      await assert.rejects(preprocessFiles([inputs[0]!, bad], join(dir, `bad${threads}`), params, { threads }),
        (e: unknown) => e instanceof PreprocessFileError && e.message.includes('broken.mrc'));
    }
    assert.ok(!(await readdir(dir)).some((f) => f.endsWith('.tmp')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
