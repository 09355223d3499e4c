// Property tests: writeMrc → readMrc is the identity for every mode, byte order and stack size,
// and the written header (MAP, stamp, stats, cell) is correct.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readMrc, writeMrc, encodeMrc, readMrcSection } from '../../src/io/mrc.js';
import type { MrcMode } from '../../src/io/mrc.js';
import { halfToFloat } from '../../src/io/mrc-float16.js';
import type { Image2D } from '../../src/image/image.js';
import { FileExistsError } from '../../src/io/atomic-write.js';

/** A generator of sample values exactly storable in each mode. */
function valueArb(mode: MrcMode, unsigned: boolean): fc.Arbitrary<number> {
  switch (mode) {
    case 0: return unsigned ? fc.integer({ min: 0, max: 255 }) : fc.integer({ min: -128, max: 127 });
    case 1: return fc.integer({ min: -32768, max: 32767 });
    case 6: return fc.integer({ min: 0, max: 65535 });
    case 2: return fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);
    case 12: return fc.integer({ min: 0, max: 0xffff }).filter((h) => ((h >> 10) & 0x1f) !== 0x1f).map(halfToFloat);
  }
}

function stackArb(mode: MrcMode, unsigned: boolean): fc.Arbitrary<Image2D[]> {
  return fc.record({ w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 9 }), z: fc.integer({ min: 1, max: 3 }) })
    .chain(({ w, h, z }) => fc.array(fc.array(valueArb(mode, unsigned), { minLength: w * h, maxLength: w * h }), { minLength: z, maxLength: z })
      .map((sections) => sections.map((vals) => ({ width: w, height: h, data: Float32Array.from(vals) }))));
}

const CASES: { mode: MrcMode; unsigned: boolean }[] = [
  { mode: 0, unsigned: false }, { mode: 0, unsigned: true }, { mode: 1, unsigned: false },
  { mode: 2, unsigned: false }, { mode: 6, unsigned: false }, { mode: 12, unsigned: false },
];

test('write → read is the identity for every mode and byte order (property)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrc-'));
  try {
    let k = 0;
    for (const { mode, unsigned } of CASES) {
      await fc.assert(
        fc.asyncProperty(stackArb(mode, unsigned), fc.boolean(), fc.option(fc.double({ min: 0.1, max: 20, noNaN: true }), { nil: undefined }), async (images, le, px) => {
          const path = join(dir, `r${k++}.mrcs`);
          await writeMrc(path, images, { mode, littleEndian: le, int8Unsigned: unsigned, ...(px !== undefined ? { pixelSizeA: px } : {}) });
          const back = await readMrc(path);
          assert.equal(back.mode, mode);
          assert.equal(back.header.littleEndian, le);
          assert.equal(back.images.length, images.length);
          images.forEach((im, i) => {
            assert.equal(back.images[i]?.width, im.width);
            assert.equal(back.images[i]?.height, im.height);
            assert.deepEqual(back.images[i]?.data, im.data, `mode ${mode} section ${i}`);
          });
          if (px === undefined) assert.equal(back.pixelSizeA, undefined);
          else assert.ok(Math.abs((back.pixelSizeA ?? 0) - px) < 1e-5 * px);
          const last = images.length - 1;
          const section = await readMrcSection(path, last);
          assert.deepEqual(section.image.data, images[last]?.data);
        }),
        { numRuns: 25 },
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the written header has MAP, the machine stamp, MRC2014 version and correct statistics', () => {
  const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
  for (const le of [true, false]) {
    const bytes = encodeMrc({ width: 3, height: 2, data, pixelSizeA: 1.25 }, { littleEndian: le });
    const v = new DataView(bytes.buffer);
    assert.equal(Buffer.from(bytes.subarray(208, 212)).toString('latin1'), 'MAP ');
    assert.deepEqual(Array.from(bytes.subarray(212, 216)), le ? [0x44, 0x44, 0, 0] : [0x11, 0x11, 0, 0]);
    assert.equal(v.getInt32(108, le), 20140);
    assert.equal(v.getFloat32(76, le), 1);
    assert.equal(v.getFloat32(80, le), 6);
    assert.equal(v.getFloat32(84, le), 3.5);
    assert.ok(Math.abs(v.getFloat32(216, le) - Math.sqrt(17.5 / 6)) < 1e-6); // population std of 1..6
    assert.equal(v.getFloat32(40, le), 3.75); // cell x = 1.25 Å × 3
    assert.equal(v.getFloat32(44, le), 2.5);
    assert.equal(bytes.length, 1024 + 24);
  }
});

test('statistics describe stored values: integer modes round', () => {
  const bytes = encodeMrc({ width: 2, height: 1, data: Float32Array.from([1.4, 2.6]) }, { mode: 1 });
  const v = new DataView(bytes.buffer);
  assert.equal(v.getInt16(1024, true), 1);
  assert.equal(v.getInt16(1026, true), 3);
  assert.equal(v.getFloat32(76, true), 1);
  assert.equal(v.getFloat32(80, true), 3);
});

test('writer refuses to overwrite unless asked, and writes .mrc.gz', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrc-'));
  try {
    const im = { width: 2, height: 2, data: Float32Array.from([0, 1, 2, 3]) };
    const path = join(dir, 'a.mrc');
    await writeMrc(path, im);
    await assert.rejects(writeMrc(path, im), FileExistsError);
    await writeMrc(path, { ...im, data: Float32Array.from([9, 9, 9, 9]) }, { overwrite: true });
    assert.deepEqual((await readMrc(path)).images[0]?.data, Float32Array.from([9, 9, 9, 9]));
    const gz = join(dir, 'a.mrc.gz');
    await writeMrc(gz, im);
    const raw = await readFile(gz);
    assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b]);
    assert.deepEqual((await readMrc(gz)).images[0]?.data, im.data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writer rejects out-of-range, non-finite and mismatched images with RangeError', () => {
  const im = (vals: number[], w = vals.length): Image2D => ({ width: w, height: 1, data: Float32Array.from(vals) });
  assert.throws(() => encodeMrc(im([300]), { mode: 0 }), /does not fit MRC mode 0 \(-128\.\.127\)/);
  assert.throws(() => encodeMrc(im([-1]), { mode: 6 }), /does not fit MRC mode 6/);
  assert.throws(() => encodeMrc(im([40000]), { mode: 1 }), RangeError);
  assert.throws(() => encodeMrc(im([Number.NaN]), { mode: 2 }), /must be finite/);
  assert.throws(() => encodeMrc([im([1, 2]), im([1, 2, 3])]), /image 1 is 3x1, expected 2x1/);
  assert.throws(() => encodeMrc([]), /at least one image/);
});

test('a rejected write leaves no file behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrc-'));
  try {
    const path = join(dir, 'bad.mrc');
    await assert.rejects(writeMrc(path, { width: 1, height: 1, data: Float32Array.from([70000]) }, { mode: 6 }), RangeError);
    await assert.rejects(readFile(path), /ENOENT/);
    await assert.rejects(writeMrc(join(dir, 'x.mrc.bz2'), { width: 1, height: 1, data: Float32Array.from([1]) }), /writing \.bz2 is not supported/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
