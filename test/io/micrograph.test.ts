// readMicrograph dispatches on the extension (MRC family incl. compressed, TIFF, PNG, JPEG),
// sums movie frames unless a section is named, and rejects unknown extensions clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readMicrograph, micrographKind } from '../../src/io/micrograph.js';
import { encodeMrc } from '../../src/io/mrc.js';
import { encodePng } from '../../src/io/raster.js';
import { FormatError } from '../../src/errors.js';
import type { Problem } from '../../src/errors.js';
import { buildTiff } from './tiff-builder.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-micro-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const frames = [0, 1, 2].map((z) => ({ width: 3, height: 2, data: Float32Array.from({ length: 6 }, (_, i) => i + 10 * z), pixelSizeA: 1.5 }));
const sum = Float32Array.from({ length: 6 }, (_, i) => 3 * i + 30);

test('extensions map to reader families', () => {
  const cases: [string, string | undefined][] = [
    ['a.mrc', 'mrc'], ['a.MRCS', 'mrc'], ['a.map', 'mrc'], ['b.st', 'mrc'], ['c.mrc.gz', 'mrc'], ['c.mrcs.bz2', 'mrc'],
    ['t.tif', 'tiff'], ['t.TIFF', 'tiff'], ['p.png', 'raster'], ['j.jpg', 'raster'], ['j.jpeg', 'raster'],
    ['x.txt', undefined], ['noext', undefined], ['t.tif.gz', undefined],
  ];
  for (const [path, kind] of cases) assert.equal(micrographKind(path), kind, path);
});

test('MRC stacks: sum of frames by default, one section on request; compressed too', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(frames);
    for (const name of ['m.mrcs', 'm.mrc.gz']) {
      const path = join(dir, name);
      await writeFile(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
      const all = await readMicrograph(path);
      assert.deepEqual(all.data, sum);
      assert.equal(all.pixelSizeA, 1.5);
      assert.deepEqual((await readMicrograph(path, { section: 2 })).data, frames[2]?.data);
    }
  });
});

test('permissive warnings reach onWarning', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(frames[0] ?? frames);
    new DataView(bytes.buffer).setInt32(64, 7, true);
    const path = join(dir, 'axes.mrc');
    await writeFile(path, bytes);
    await assert.rejects(readMicrograph(path), FormatError);
    const seen: Problem[] = [];
    const img = await readMicrograph(path, { permissive: true, onWarning: (p) => seen.push(p) });
    assert.deepEqual(img.data, frames[0]?.data);
    assert.equal(seen.length, 1);
    assert.match(seen[0]?.message ?? '', /mapc\/mapr\/maps are 7,2,3/);
  });
});

test('multi-page TIFF: frames summed, or one frame', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'movie.tif');
    await writeFile(path, buildTiff(3, 2, frames.map((f) => Array.from(f.data)), 'uint16'));
    assert.deepEqual((await readMicrograph(path)).data, sum);
    assert.deepEqual((await readMicrograph(path, { section: 1 })).data, frames[1]?.data);
    await assert.rejects(readMicrograph(path, { section: 3 }), /frame 3 requested, file has 3 frame\(s\)/);
  });
});

test('PNG renderings read as gray 0..255 without a pixel size', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'r.png');
    await writeFile(path, encodePng(2, 1, Uint8Array.from([3, 250]), 1));
    const img = await readMicrograph(path);
    assert.deepEqual(img.data, Float32Array.from([3, 250]));
    assert.equal(img.pixelSizeA, undefined);
  });
});

test('unknown extensions are a FormatError listing the supported ones', async () => {
  await assert.rejects(readMicrograph('/data/mic.xyz'), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.match(err.message, /^\/data\/mic\.xyz: unknown micrograph extension '\.xyz'; expected one of \.mrc .*\.tif .*\.png/);
    return true;
  });
  await assert.rejects(readMicrograph('/data/mic'), /unknown micrograph extension '\(none\)'/);
});

test('summing an MRC movie section by section matches readMrc, also for reordered axes', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(frames, { volume: true });
    const path = join(dir, 'vol.mrc');
    await writeFile(path, bytes);
    assert.deepEqual((await readMicrograph(path)).data, sum);
    // Swap rows and sections (mapr = 3, maps = 2): the image becomes 3 x 3 with 2 sections.
    const v = new DataView(bytes.buffer);
    v.setInt32(68, 3, true);
    v.setInt32(72, 2, true);
    const swapped = join(dir, 'swapped.mrc');
    await writeFile(swapped, bytes);
    const img = await readMicrograph(swapped);
    assert.equal(img.width, 3);
    assert.equal(img.height, 3);
    // Pixel (x, y=z_file) summed over file rows r: value x + 3r + 10z for r = 0, 1.
    assert.deepEqual(img.data, Float32Array.from({ length: 9 }, (_, k) => 2 * ((k % 3) + 10 * Math.floor(k / 3)) + 3));
  });
});
