// streamMicrographRows hands a micrograph over in bands of rows that, put together, equal what
// readMicrograph returns: every MRC mode and byte order, movies summed, compressed files, other
// axis orders and other formats (read whole), and unreadable files refused as readMicrograph does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readMicrograph } from '../../src/io/micrograph.js';
import { streamMicrographRows, type MicrographShape } from '../../src/io/micrograph-rows.js';
import { encodeMrc, type MrcMode } from '../../src/io/mrc.js';
import { encodePng } from '../../src/io/raster.js';
import { FormatError } from '../../src/errors.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-rows-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every band collected into one array, with the band sizes seen. */
async function collect(path: string): Promise<{ shape: MicrographShape; data: Float32Array; bands: number[] }> {
  let data = new Float32Array(0);
  let filled = 0;
  const bands: number[] = [];
  const shape = await streamMicrographRows(path, ({ width, height }) => {
    data = new Float32Array(width * height);
    return (rows, count) => {
      bands.push(count);
      data.set(rows.subarray(0, count * width), filled);
      filled += count * width;
    };
  });
  assert.equal(filled, data.length, 'every row delivered once');
  return { shape, data, bands };
}

const W = 37;
const H = 150; // more than one 64-row band, with a partial last band
const frame = (z: number): Float32Array => Float32Array.from({ length: W * H }, (_, i) => ((i * 7 + z * 13) % 101) - 50);

test('MRC of every mode and byte order: bands equal readMicrograph, pixel size kept', async () => {
  await withDir(async (dir) => {
    const cases: [MrcMode, boolean][] = [[2, true], [2, false], [1, true], [1, false], [6, true], [0, true], [12, true]];
    for (const [mode, littleEndian] of cases) {
      const values = mode === 6 ? frame(0).map((v) => v + 50) : frame(0);
      const path = join(dir, `m${mode}-${littleEndian ? 'le' : 'be'}.mrc`);
      await writeFile(path, encodeMrc({ width: W, height: H, data: values, pixelSizeA: 1.25 }, { mode, littleEndian }));
      const got = await collect(path);
      const whole = await readMicrograph(path);
      assert.deepEqual([got.shape.width, got.shape.height, got.shape.pixelSizeA], [W, H, 1.25], `mode ${mode}`);
      assert.deepEqual(got.data, whole.data, `mode ${mode} ${littleEndian ? 'LE' : 'BE'}`);
      assert.deepEqual(got.bands, [64, 64, 22], 'streamed in bands');
    }
  });
});

test('movies are summed band by band; .mrc.gz streams too', async () => {
  await withDir(async (dir) => {
    const frames = [0, 1, 2].map((z) => ({ width: W, height: H, data: frame(z) }));
    const bytes = encodeMrc(frames);
    for (const name of ['movie.mrcs', 'movie.mrcs.gz']) {
      const path = join(dir, name);
      await writeFile(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
      const got = await collect(path);
      assert.deepEqual(got.data, (await readMicrograph(path)).data, name);
      assert.equal(got.bands.length, 3, name);
    }
  });
});

test('other axis orders and other formats are read whole and handed over as one band', async () => {
  await withDir(async (dir) => {
    const png = join(dir, 'p.png');
    const grey = Uint8Array.from({ length: 30 * 20 }, (_, i) => i % 251);
    await writeFile(png, encodePng(30, 20, grey, 1));
    const p = await collect(png);
    assert.deepEqual(p.bands, [20]);
    assert.deepEqual(p.data, (await readMicrograph(png)).data);

    const bytes = encodeMrc({ width: 4, height: 3, data: Float32Array.from({ length: 12 }, (_, i) => i) });
    const v = new DataView(bytes.buffer);
    v.setInt32(64, 2, true); // mapc 2, mapr 1: columns along Y, rows along X
    v.setInt32(68, 1, true);
    const swapped = join(dir, 'swapped.mrc');
    await writeFile(swapped, bytes);
    const s = await collect(swapped);
    assert.deepEqual([s.shape.width, s.shape.height, s.bands], [3, 4, [4]]);
    assert.deepEqual(s.data, (await readMicrograph(swapped)).data);
  });
});

test('unreadable files are refused like readMicrograph, and the sink is never started', async () => {
  await withDir(async (dir) => {
    const short = join(dir, 'short.mrc');
    await writeFile(short, encodeMrc({ width: W, height: H, data: frame(0) }).subarray(0, 2000));
    const started: MicrographShape[] = [];
    await assert.rejects(streamMicrographRows(short, (s) => { started.push(s); return () => undefined; }), (e: unknown) => e instanceof FormatError && /short\.mrc/.test(e.message));
    await assert.rejects(streamMicrographRows(join(dir, 'absent.mrc'), () => () => undefined), /absent\.mrc.*not found/);
    await assert.rejects(streamMicrographRows(join(dir, 'notes.txt'), () => () => undefined), /unknown micrograph extension/);
    assert.deepEqual(started, []);
  });
});
