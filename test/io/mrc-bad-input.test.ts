// Table-driven bad-input tests for the MRC reader: each damaged file gives a FormatError with
// the path and byte offset, saying what was expected and what was found; permissive mode
// returns recoverable problems as warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readMrc, readMrcSection, encodeMrc } from '../../src/io/mrc.js';
import { FormatError } from '../../src/errors.js';

const W = 4;
const H = 3;
const Z = 2;

/** A valid 4x3x2 float32 stack; `edit` patches its bytes. */
function makeFile(edit: (bytes: Uint8Array, view: DataView) => Uint8Array | void = () => undefined): Uint8Array {
  const images = Array.from({ length: Z }, (_, z) => ({ width: W, height: H, data: Float32Array.from({ length: W * H }, (_, i) => i + 100 * z) }));
  const bytes = encodeMrc(images);
  return edit(bytes, new DataView(bytes.buffer)) ?? bytes;
}

interface BadCase {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly file?: string;
  readonly messageIncludes: RegExp;
  readonly byteOffset?: number;
  /** Still an error in permissive mode (the data cannot be read). */
  readonly fatal: boolean;
}

const FULL = 1024 + W * H * Z * 4;

const CASES: BadCase[] = [
  { name: 'empty file', bytes: new Uint8Array(0), messageIncludes: /expected a 1024-byte MRC header, file has only 0 bytes/, byteOffset: 0, fatal: true },
  { name: 'truncated header', bytes: makeFile().subarray(0, 500), messageIncludes: /1024-byte MRC header, file has only 500 bytes/, byteOffset: 500, fatal: true },
  { name: 'truncated data', bytes: makeFile().subarray(0, FULL - 10), messageIncludes: /file is truncated: header says 4x3x2 mode 2 \(1120 bytes with headers\), file has 1110 bytes; 1 of 2 sections complete/, byteOffset: FULL - 10, fatal: false },
  { name: 'no complete section', bytes: makeFile().subarray(0, 1030), messageIncludes: /file is truncated.*0 of 2 sections complete/, byteOffset: 1030, fatal: true },
  { name: 'wrong magic', bytes: makeFile((b) => void b.set([0x58, 0x58, 0x58, 0x58], 208)), messageIncludes: /expected map ID 'MAP ' at byte 208, found 'XXXX'/, byteOffset: 208, fatal: false },
  { name: 'unsupported mode', bytes: makeFile((_, v) => v.setInt32(12, 5, true)), messageIncludes: /MRC mode 5 is not supported \(expected 0, 1, 2, 6 or 12\)/, byteOffset: 12, fatal: true },
  { name: 'complex mode 4', bytes: makeFile((_, v) => v.setInt32(12, 4, true)), messageIncludes: /MRC mode 4 is not supported/, byteOffset: 12, fatal: true },
  { name: 'dimensions larger than the file', bytes: makeFile((_, v) => v.setInt32(0, 8, true)), messageIncludes: /header says 8x3x2 mode 2 \(1216 bytes with headers\), file has 1120 bytes/, byteOffset: FULL, fatal: false },
  { name: 'bytes after the data', bytes: (() => { const b = new Uint8Array(FULL + 100); b.set(makeFile()); return b; })(), messageIncludes: /file has 100 bytes after the data: header says 4x3x2 mode 2 \(1120 bytes with headers\), file has 1220/, byteOffset: FULL, fatal: false },
  { name: 'zero columns', bytes: makeFile((_, v) => v.setInt32(0, 0, true)), messageIncludes: /nx is 0, expected a positive number of columns/, byteOffset: 0, fatal: true },
  { name: 'negative sections', bytes: makeFile((_, v) => v.setInt32(8, -2, true)), messageIncludes: /nz is -2, expected a positive number of sections/, byteOffset: 8, fatal: true },
  { name: 'extended header past the end', bytes: makeFile((_, v) => v.setInt32(92, 5000, true)), messageIncludes: /extended header of 5000 bytes \(nsymbt\) does not fit: file has 1120 bytes, header \+ extended header need 6024/, byteOffset: FULL, fatal: true },
  { name: 'negative nsymbt', bytes: makeFile((_, v) => v.setInt32(92, -4, true)), messageIncludes: /nsymbt \(extended header size\) is -4, expected >= 0/, byteOffset: 92, fatal: true },
  { name: 'invalid machine stamp', bytes: makeFile((b) => void b.set([0, 0, 0, 0], 212)), messageIncludes: /machine stamp 0x00 0x00 0x00 0x00 is not valid \(expected 0x44 0x44 0x00 0x00, 0x44 0x41 0x00 0x00 or 0x11 0x11 0x00 0x00\); assuming little-endian/, byteOffset: 212, fatal: false },
  { name: 'axes not a permutation', bytes: makeFile((_, v) => v.setInt32(68, 1, true)), messageIncludes: /mapc\/mapr\/maps are 1,1,3, expected a permutation of 1,2,3/, byteOffset: 64, fatal: false },
  { name: 'NaN pixels', bytes: makeFile((_, v) => { v.setFloat32(1024 + 4 * 5, NaN, true); v.setFloat32(1024 + 4 * 7, NaN, true); v.setFloat32(1024 + 4 * 20, NaN, true); }), messageIncludes: /3 non-finite pixel value\(s\) \(NaN or ±Inf\), the first at byte 1044/, byteOffset: 1044, fatal: false },
  { name: 'infinite pixels', bytes: makeFile((_, v) => v.setFloat32(1024 + 4 * 13, -Infinity, true)), messageIncludes: /1 non-finite pixel value\(s\).*first at byte 1076/, byteOffset: 1076, fatal: false },
  { name: 'corrupt gzip', file: 'bad.mrc.gz', bytes: gzipSync(makeFile()).subarray(0, 40), messageIncludes: /gzip data is corrupt or truncated/, fatal: true },
  { name: 'not gzip at all', file: 'plain.mrc.gz', bytes: makeFile(), messageIncludes: /expected gzip magic bytes 1f 8b/, byteOffset: 0, fatal: true },
  { name: 'not bzip2 at all', file: 'plain.mrc.bz2', bytes: makeFile(), messageIncludes: /expected bzip2 magic 'BZh'/, byteOffset: 0, fatal: true },
  { name: 'corrupt bzip2', file: 'bad.mrc.bz2', bytes: Uint8Array.from([0x42, 0x5a, 0x68, 0x39, 1, 2, 3, 4, 5, 6, 7, 8]), messageIncludes: /bzip2 data could not be decompressed/, fatal: true },
];

test('bad MRC input: strict reading throws FormatError with path, byte offset, expected vs found', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcbad-'));
  try {
    for (const c of CASES) {
      const path = join(dir, c.file ?? `${c.name.replace(/\W+/g, '-')}.mrc`);
      await writeFile(path, c.bytes);
      await assert.rejects(readMrc(path), (err: unknown) => {
        assert.ok(err instanceof FormatError, `${c.name}: FormatError expected, got ${String(err)}`);
        assert.match(err.message, c.messageIncludes, c.name);
        assert.ok(err.message.startsWith(path), `${c.name}: message starts with the path`);
        assert.equal(err.location.path, path);
        if (c.byteOffset !== undefined) assert.equal(err.location.byteOffset, c.byteOffset, `${c.name}: byte offset`);
        return true;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad MRC input: permissive reading returns recoverable problems as warnings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcbad-'));
  try {
    for (const c of CASES) {
      const path = join(dir, c.file ?? `${c.name.replace(/\W+/g, '-')}.mrc`);
      await writeFile(path, c.bytes);
      if (c.fatal) {
        await assert.rejects(readMrc(path, { permissive: true }), FormatError, c.name);
        continue;
      }
      const m = await readMrc(path, { permissive: true });
      assert.ok(m.warnings.some((w) => c.messageIncludes.test(w.message)), `${c.name}: warning present in ${JSON.stringify(m.warnings)}`);
      assert.ok(m.images.length >= 1, c.name);
      assert.equal(m.images[0]?.data[1], 1, `${c.name}: data still read`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('NaN pixels are counted in permissive mode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcbad-'));
  try {
    const path = join(dir, 'nan.mrc');
    await writeFile(path, makeFile((_, v) => { v.setFloat32(1028, NaN, true); v.setFloat32(1032, Infinity, true); }));
    const m = await readMrc(path, { permissive: true });
    assert.equal(m.nonFiniteCount, 2);
    const s = await readMrcSection(path, 0, { permissive: true });
    assert.equal(s.nonFiniteCount, 2);
    await assert.rejects(readMrcSection(path, 0), /2 non-finite pixel value\(s\)/);
    // Section 1 has no NaN: reading it alone is fine even in strict mode.
    assert.equal((await readMrcSection(path, 1)).nonFiniteCount, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a truncated file yields only its complete sections in permissive mode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcbad-'));
  try {
    const path = join(dir, 'cut.mrcs');
    await writeFile(path, makeFile().subarray(0, FULL - 4));
    const m = await readMrc(path, { permissive: true });
    assert.equal(m.images.length, 1);
    assert.equal(m.depth, 1);
    assert.equal((await readMrcSection(path, 0, { permissive: true })).image.data[11], 11);
    await assert.rejects(readMrcSection(path, 1, { permissive: true }), /section 1 is missing: the file is truncated after 1 complete section/);
    await assert.rejects(readMrcSection(path, 2, { permissive: true }), /section 2 requested, file has 2 section\(s\) \(0\.\.1\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing file or a directory is a FormatError naming the path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcbad-'));
  try {
    await assert.rejects(readMrc(join(dir, 'nope.mrc')), /nope\.mrc: file not found/);
    await assert.rejects(readMrc(dir), /is a directory, expected a file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
