// The viewer's display images read micrographs in one streamed pass (binned while read): the
// result equals shrinking the whole image (same pixels, same display → original mapping), for
// display images and thumbnails, and NaN pixels are refused with the strict reader's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMicrograph } from '../../src/io/micrograph.js';
import { encodeMrc, writeMrc } from '../../src/io/mrc.js';
import { DisplayImages } from '../../src/web/display-images.js';
import { FormatError } from '../../src/errors.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-display-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mapping = (r: { width: number; height: number; scaleX: number; scaleY: number; offset: number; originalWidth: number; originalHeight: number; pixelSizeA?: number }): unknown =>
  [r.width, r.height, r.scaleX, r.scaleY, r.offset, r.originalWidth, r.originalHeight, r.pixelSizeA];

test('streamed display images and thumbnails equal those made from the whole image', async () => {
  await withDir(async (dir) => {
    // 1000 × 700 with display size 300: binning by 3 (in bands, to 333 × 233) then a Fourier crop to 300 × 210
    const W = 1000;
    const H = 700;
    const data = Float32Array.from({ length: W * H }, (_, i) => Math.sin(i * 0.013) + ((i * 7919) % 97) / 97);
    const path = join(dir, 'm.mrc');
    await writeMrc(path, { width: W, height: H, data, pixelSizeA: 1.1 });
    const streamed = new DisplayImages({ displaySize: 300, thumbnailSize: 64 });
    const whole = new DisplayImages({ displaySize: 300, thumbnailSize: 64, readImage: (p) => readMicrograph(p) });
    for (const settings of [undefined, { lowpassPx: 20, lowPercentile: 2, highPercentile: 98 }]) {
      const a = await streamed.display(path, settings);
      const b = await whole.display(path, settings);
      assert.deepEqual(mapping(a), [300, 210, 999 / 300, 699 / 210, 1, W, H, 1.1]);
      assert.deepEqual(mapping(a), mapping(b));
      assert.ok(a.png.equals(b.png), 'same pixels');
    }
    // a thumbnail of a micrograph not yet displayed is streamed too
    const fresh = new DisplayImages({ displaySize: 300, thumbnailSize: 64 });
    const t = await fresh.thumbnail(path);
    const u = await new DisplayImages({ displaySize: 300, thumbnailSize: 64, readImage: (p) => readMicrograph(p) }).thumbnail(path);
    assert.deepEqual(mapping(t), mapping(u));
    assert.ok(t.png.equals(u.png));
    assert.deepEqual([t.width, t.height, t.offset], [64, 45, 7]); // binned by 15: display pixel 0 at original 7
  });
});

test('NaN pixels: the display image is refused with where and how many, as the strict reader says', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc({ width: 200, height: 100, data: new Float32Array(200 * 100).fill(1) });
    new DataView(bytes.buffer).setFloat32(1024 + 4 * (200 * 37 + 3), Number.NaN, true); // the writer refuses NaN: patch the file
    const path = join(dir, 'nan.mrc');
    await writeFile(path, bytes);
    const expected = await readMicrograph(path).then(() => '', (e: Error) => e.message);
    assert.match(expected, /1 non-finite pixel value/);
    await assert.rejects(new DisplayImages({ displaySize: 64 }).display(path), (e: unknown) => e instanceof FormatError && e.message === expected);
  });
});
