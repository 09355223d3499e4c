// PNG/JPEG renderings: encodePng → decode round trips for gray, RGB and RGBA (property), luma
// conversion, JPEG decoding, atomic non-overwriting writePng, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { encodePng, decodePng, readRaster, writePng } from '../../src/io/raster.js';
import { FileExistsError } from '../../src/io/atomic-write.js';
import { FormatError } from '../../src/errors.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-raster-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('grayscale PNG: encodePng → decodePng is the identity (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 }), (w, h, seed) => {
      const pixels = Uint8Array.from({ length: w * h }, (_, i) => (seed + i * 2654435761) % 256);
      const img = decodePng(encodePng(w, h, pixels, 1));
      assert.equal(img.width, w);
      assert.equal(img.height, h);
      assert.deepEqual(img.data, Float32Array.from(pixels));
    }),
    { numRuns: 50 },
  );
});

test('RGB and RGBA PNGs keep their channels (checked with pngjs) and read as luma', () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 7, 7, 7]);
  const png3 = PNG.sync.read(encodePng(2, 2, rgb, 3));
  assert.deepEqual(Array.from(png3.data.subarray(0, 8)), [255, 0, 0, 255, 0, 255, 0, 255]);
  const gray = decodePng(encodePng(2, 2, rgb, 3)).data;
  assert.ok(Math.abs((gray[0] ?? 0) - 0.299 * 255) < 1e-3);
  assert.ok(Math.abs((gray[1] ?? 0) - 0.587 * 255) < 1e-3);
  assert.ok(Math.abs((gray[2] ?? 0) - 0.114 * 255) < 1e-3);
  assert.equal(gray[3], 7);
  const rgba = Uint8Array.from([1, 2, 3, 4]);
  const png4 = PNG.sync.read(encodePng(1, 1, rgba, 4));
  assert.deepEqual(Array.from(png4.data), [1, 2, 3, 4]);
});

test('encodePng rejects a wrong buffer length or size', () => {
  assert.throws(() => encodePng(2, 2, new Uint8Array(3), 1), /expected 2x2x1 = 4 bytes, got 3/);
  assert.throws(() => encodePng(0, 2, new Uint8Array(0), 1), RangeError);
});

test('JPEG files decode to gray values close to the encoded ones', async () => {
  await withDir(async (dir) => {
    const w = 16;
    const h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([100, 100, 100, 255], 4 * i);
    const path = join(dir, 'flat.jpg');
    await writeFile(path, jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
    const img = await readRaster(path);
    assert.equal(img.width, w);
    assert.equal(img.height, h);
    for (const v of img.data) assert.ok(Math.abs(v - 100) <= 2, `pixel ${v}`);
  });
});

test('writePng is atomic and refuses to overwrite unless asked', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'preview.png');
    await writePng(path, 1, 2, Uint8Array.from([0, 200]), 1);
    assert.deepEqual((await readRaster(path)).data, Float32Array.from([0, 200]));
    await assert.rejects(writePng(path, 1, 1, Uint8Array.from([5]), 1), FileExistsError);
    await writePng(path, 1, 1, Uint8Array.from([5]), 1, { overwrite: true });
    assert.deepEqual((await readRaster(path)).data, Float32Array.from([5]));
    assert.deepEqual(Array.from((await readFile(path)).subarray(1, 4)), [0x50, 0x4e, 0x47]);
  });
});

test('bad PNG/JPEG input gives a FormatError naming the file', async () => {
  await withDir(async (dir) => {
    const good = encodePng(4, 4, new Uint8Array(16), 1);
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.png', new Uint8Array(0), /file is empty, expected a PNG or JPEG image/],
      ['text.png', new TextEncoder().encode('hello world'), /expected the PNG signature/],
      ['cut.png', good.subarray(0, 40), /PNG could not be decoded/],
      ['cut.jpg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), /JPEG could not be decoded/],
    ];
    for (const [name, bytes, re] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      await assert.rejects(readRaster(path), (err: unknown) => err instanceof FormatError && re.test(err.message) && err.message.startsWith(path), name);
    }
  });
});

test('16-bit grayscale PNGs keep their 0..65535 values', () => {
  const png = new PNG({ width: 2, height: 1, bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(new Uint16Array([1000, 65535]).buffer);
  const bytes = PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  assert.deepEqual(decodePng(bytes).data, Float32Array.from([1000, 65535]));
});
