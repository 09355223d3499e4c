// MRC reader features: machine stamp and the other-byte-order retry, extended headers of every
// known type, mapc/mapr/maps reordering, the IMOD mode-0 sign convention, pixel size from the cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMrc, readMrcSection, encodeMrc, IMOD_STAMP } from '../../src/io/mrc.js';
import { FormatError } from '../../src/errors.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcread-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const image = { width: 3, height: 2, data: Float32Array.from([1.5, -2, 3, 4, 5, 6]) };

test('big-endian files are read through their machine stamp', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'be.mrc');
    await writeFile(path, encodeMrc(image, { littleEndian: false, mode: 2 }));
    const m = await readMrc(path);
    assert.equal(m.header.littleEndian, false);
    assert.deepEqual(m.images[0]?.data, image.data);
    assert.deepEqual(m.header.machineStamp, [0x11, 0x11, 0, 0]);
  });
});

test('0x44 0x41 is accepted as a little-endian stamp', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(image);
    bytes.set([0x44, 0x41, 0, 0], 212);
    const path = join(dir, 'da.mrc');
    await writeFile(path, bytes);
    const m = await readMrc(path);
    assert.deepEqual(m.warnings, []);
    assert.deepEqual(m.images[0]?.data, image.data);
  });
});

test('a wrong machine stamp: strict error with a hint, permissive retries the other byte order', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(image, { littleEndian: false, mode: 1 });
    bytes.set([0x44, 0x44, 0, 0], 212); // claims little-endian, data are big-endian
    const path = join(dir, 'wrongstamp.mrc');
    await writeFile(path, bytes);
    await assert.rejects(readMrc(path), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.match(err.message, /byte 212: machine stamp 0x44 0x44 0x00 0x00 says little-endian but the header only makes sense big-endian \(mode 1\); read it with permissive/);
      return true;
    });
    const m = await readMrc(path, { permissive: true });
    assert.equal(m.header.littleEndian, false);
    assert.deepEqual(m.images[0]?.data, Float32Array.from([2, -2, 3, 4, 5, 6])); // mode 1 rounds 1.5 to 2
    assert.match(m.warnings[0]?.message ?? '', /read with the other byte order/);
  });
});

test('extended headers of every known type are skipped, and their type and size reported', async () => {
  await withDir(async (dir) => {
    const base = encodeMrc(image);
    for (const [exttyp, size] of [['FEI1', 768 * 2], ['FEI2', 888], ['CCP4', 160], ['MRCO', 80], ['SERI', 1024], ['AGAR', 1000], ['', 160]] as const) {
      const bytes = new Uint8Array(base.length + size);
      bytes.set(base.subarray(0, 1024));
      for (let i = 0; i < size; i++) bytes[1024 + i] = (i * 37) & 0xff; // junk that must not be read as pixels
      bytes.set(base.subarray(1024), 1024 + size);
      const v = new DataView(bytes.buffer);
      v.setInt32(92, size, true);
      bytes.set(Array.from(exttyp.padEnd(4, '\0'), (c) => c.charCodeAt(0)), 104);
      const path = join(dir, `ext-${exttyp || 'none'}.mrc`);
      await writeFile(path, bytes);
      const m = await readMrc(path);
      assert.deepEqual(m.extendedHeader, { type: exttyp, bytes: size });
      assert.deepEqual(m.images[0]?.data, image.data, exttyp);
      assert.deepEqual((await readMrcSection(path, 0)).image.data, image.data, exttyp);
    }
  });
});

test('mapc/mapr/maps 3,1,2 is reordered to X-fastest images', async () => {
  await withDir(async (dir) => {
    const X = 4;
    const Y = 3;
    const Z = 2;
    const value = (x: number, y: number, z: number): number => x + 10 * y + 100 * z;
    // File: columns along Z (nx = Z), rows along X (ny = X), sections along Y (nz = Y).
    const file = new Float32Array(X * Y * Z);
    let i = 0;
    for (let s = 0; s < Y; s++) for (let r = 0; r < X; r++) for (let c = 0; c < Z; c++) file[i++] = value(r, s, c);
    const bytes = encodeMrc(Array.from({ length: Y }, (_, s) => ({ width: Z, height: X, data: file.subarray(s * X * Z, (s + 1) * X * Z) })), { volume: true });
    const v = new DataView(bytes.buffer);
    v.setInt32(64, 3, true);
    v.setInt32(68, 1, true);
    v.setInt32(72, 2, true);
    v.setInt32(28, 8, true); // mx (samples along X) = 8 and cell x = 4 Å: 0.5 Å/pixel along X
    v.setFloat32(40, 4, true);
    const path = join(dir, 'axes.map');
    await writeFile(path, bytes);
    const m = await readMrc(path);
    assert.deepEqual([m.width, m.height, m.depth], [X, Y, Z]);
    assert.equal(m.pixelSizeA, 0.5);
    for (let z = 0; z < Z; z++) {
      const expected = Float32Array.from({ length: X * Y }, (_, k) => value(k % X, Math.floor(k / X), z));
      assert.deepEqual(m.images[z]?.data, expected, `section ${z}`);
      assert.deepEqual((await readMrcSection(path, z)).image.data, expected, `readMrcSection ${z}`);
    }
  });
});

test('mode 0 bytes are signed unless the IMOD stamp says unsigned', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc({ width: 2, height: 1, data: Float32Array.from([-1, 5]) }, { mode: 0 });
    const v = new DataView(bytes.buffer);
    const read = async (stamp: number, flags: number): Promise<number[]> => {
      v.setInt32(152, stamp, true);
      v.setInt32(156, flags, true);
      const path = join(dir, `m0-${stamp}-${flags}.mrc`);
      await writeFile(path, bytes);
      return Array.from((await readMrc(path)).images[0]?.data ?? []);
    };
    assert.deepEqual(await read(IMOD_STAMP, 1), [-1, 5]); // IMOD, signed flag set
    assert.deepEqual(await read(IMOD_STAMP, 0), [255, 5]); // IMOD without the flag: unsigned
    assert.deepEqual(await read(0, 0), [-1, 5]); // MRC2014 default: signed
    const unsigned = encodeMrc({ width: 2, height: 1, data: Float32Array.from([255, 0]) }, { mode: 0, int8Unsigned: true });
    const path = join(dir, 'u8.mrc');
    await writeFile(path, unsigned);
    assert.deepEqual(Array.from((await readMrc(path)).images[0]?.data ?? []), [255, 0]);
  });
});

test('pixel size is cella.x / mx, and undefined when the cell is 0 or negative', async () => {
  await withDir(async (dir) => {
    for (const [cell, expected] of [[0, undefined], [-12, undefined], [6, 2]] as const) {
      const bytes = encodeMrc(image);
      new DataView(bytes.buffer).setFloat32(40, cell, true);
      const path = join(dir, `cell${cell}.mrc`);
      await writeFile(path, bytes);
      const m = await readMrc(path);
      assert.equal(m.pixelSizeA, expected);
      assert.equal(m.images[0]?.pixelSizeA, expected);
    }
  });
});

test('readMrcSection reads the requested section of a stack', async () => {
  await withDir(async (dir) => {
    const stack = Array.from({ length: 5 }, (_, z) => ({ width: 3, height: 2, data: Float32Array.from({ length: 6 }, (_, i) => z * 10 + i) }));
    for (const mode of [2, 6, 12] as const) {
      const path = join(dir, `stack${mode}.mrcs`);
      await writeFile(path, encodeMrc(stack, { mode }));
      for (let z = 0; z < 5; z++) {
        const s = await readMrcSection(path, z);
        assert.equal(s.count, 5);
        assert.deepEqual(s.image.data, stack[z]?.data);
      }
      await assert.rejects(readMrcSection(path, 5), /section 5 requested, file has 5 section\(s\)/);
      await assert.rejects(readMrcSection(path, -1), FormatError);
    }
  });
});
