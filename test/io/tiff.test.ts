// TIFF reading via geotiff, checked against TIFFs built byte by byte here (an independent
// baseline encoder): uint8/uint16/float32, both byte orders, multi-page movies, RGB → luma, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readTiff } from '../../src/io/tiff.js';
import { FormatError } from '../../src/errors.js';
import { buildTiff } from './tiff-builder.js';
import type { SampleKind } from './tiff-builder.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-tiff-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const valueArb = (kind: SampleKind): fc.Arbitrary<number> =>
  kind === 'uint8' ? fc.integer({ min: 0, max: 255 })
    : kind === 'uint16' ? fc.integer({ min: 0, max: 65535 })
      : kind === 'int16' ? fc.integer({ min: -32768, max: 32767 })
        : fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);

test('TIFF pages of every sample type and byte order read back exactly (property)', async () => {
  await withDir(async (dir) => {
    let k = 0;
    for (const kind of ['uint8', 'uint16', 'int16', 'float32'] as const) {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ w: fc.integer({ min: 1, max: 9 }), h: fc.integer({ min: 1, max: 7 }), pages: fc.integer({ min: 1, max: 3 }), le: fc.boolean() })
            .chain((s) => fc.array(fc.array(valueArb(kind), { minLength: s.w * s.h, maxLength: s.w * s.h }), { minLength: s.pages, maxLength: s.pages }).map((pages) => ({ ...s, pages }))),
          async ({ w, h, pages, le }) => {
            const path = join(dir, `t${k++}.tif`);
            await writeFile(path, buildTiff(w, h, pages, kind, le));
            const t = await readTiff(path);
            assert.equal(t.sampleType, kind);
            assert.equal(t.frames.length, pages.length);
            t.frames.forEach((f, i) => {
              assert.equal(f.width, w);
              assert.equal(f.height, h);
              assert.deepEqual(f.data, Float32Array.from(pages[i] ?? []));
            });
          },
        ),
        { numRuns: 15 },
      );
    }
  });
});

test('RGB TIFF pages become Rec. 601 luma', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'rgb.tiff');
    await writeFile(path, buildTiff(2, 1, [[255, 0, 0, 10, 10, 10]], 'uint8', true, 3));
    const t = await readTiff(path);
    assert.ok(Math.abs((t.frames[0]?.data[0] ?? 0) - 0.299 * 255) < 1e-3);
    assert.ok(Math.abs((t.frames[0]?.data[1] ?? 0) - 10) < 1e-4);
  });
});

test('bad TIFF input gives a FormatError naming the file', async () => {
  await withDir(async (dir) => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.tif', new Uint8Array(0), /expected a TIFF signature/],
      ['png.tif', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /expected a TIFF signature \(II\*\\0 or MM\\0\*\), found/],
      ['cut.tif', buildTiff(4, 4, [Array.from({ length: 16 }, (_, i) => i)], 'uint16').subarray(0, 20), /TIFF could not be decoded/],
    ];
    for (const [name, bytes, re] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      await assert.rejects(readTiff(path), (err: unknown) => err instanceof FormatError && re.test(err.message) && err.message.startsWith(path), name);
    }
    await assert.rejects(readTiff(join(dir, 'none.tif')), /none\.tif: file not found/);
  });
});
