// readPrepared streams MRC files through the downsampling while reading them: the preprocessed
// image equals reading the whole micrograph and preprocessing it, bit for bit, for every MRC mode,
// byte order, movies, other formats and every downsampling method; bad files fail with the same
// message, and --permissive warnings (header problems, NaN pixels) are the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMrc, type MrcMode } from '../../src/io/mrc.js';
import { encodePng } from '../../src/io/raster.js';
import { micrographReader } from '../../src/io/micrograph.js';
import { makeImage } from '../../src/image/image.js';
import { parsePreprocessParams, type PreprocessParams } from '../../src/image/preprocess-params.js';
import { prepareMicrograph, readPrepared, type PreparedMicrograph } from '../../src/pick/prepared.js';
import { ConfigError } from '../../src/errors.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-prepared-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const W = 150;
const H = 133; // several 64-row bands, the last one partial and odd
const frame = (z: number): Float32Array => Float32Array.from({ length: W * H }, (_, i) => ((i * 7 + z * 13) % 101) - 50 + 20 * Math.sin(i / 500));

const FOURIER = parsePreprocessParams({ downsample: { kind: 'factor', factor: 3, method: 'fourier' }, normalize: { kind: 'gmm' } });
const SETTINGS: readonly PreprocessParams[] = [
  FOURIER,
  parsePreprocessParams({ downsample: { kind: 'factor', factor: 2, method: 'bin' }, lowpass: { kind: 'gaussian', cutoff: { fractionNyquist: 0.5 } }, normalize: { kind: 'standardize' }, invert: true }),
  parsePreprocessParams({ downsample: { kind: 'none' }, highpass: { kind: 'gaussian', cutoff: { fractionNyquist: 0.05 } }, normalize: { kind: 'gmm' } }),
  parsePreprocessParams({ downsample: { kind: 'pixelSize', pixelSizeA: 4.2, method: 'fourier' }, normalize: { kind: 'none' } }),
];

/** What pick did before streaming: read the whole micrograph, then preprocess it; warnings collected. */
async function wholeWay(path: string, params: PreprocessParams, permissive = false): Promise<{ prepared: PreparedMicrograph; warnings: string[] }> {
  const warnings: string[] = [];
  const prepared = prepareMicrograph(await micrographReader(permissive, (m) => warnings.push(m))(path), params);
  return { prepared, warnings };
}

async function assertSame(path: string, params: PreprocessParams, label: string, permissive = false): Promise<string[]> {
  const want = await wholeWay(path, params, permissive);
  const warnings: string[] = [];
  const got = await readPrepared(path, params, permissive, (m) => warnings.push(m));
  assert.deepEqual([got.width, got.height, got.plan], [want.prepared.width, want.prepared.height, want.prepared.plan], label);
  assert.equal(got.pre.pixelSizeA, want.prepared.pre.pixelSizeA, label);
  assert.deepEqual(got.pre.data, want.prepared.pre.data, label);
  assert.deepEqual(warnings, want.warnings, label);
  return warnings;
}

test('streamed MRC preprocessing equals the whole-image way bit for bit: every mode, byte order, method, and movies', async () => {
  await withDir(async (dir) => {
    const cases: [MrcMode, boolean][] = [[2, true], [2, false], [1, true], [6, false], [12, true]];
    for (const [mode, littleEndian] of cases) {
      const values = mode === 6 ? frame(0).map((v) => Math.round(v + 80)) : mode === 1 ? frame(0).map(Math.round) : frame(0);
      const path = join(dir, `m${mode}-${littleEndian ? 'le' : 'be'}.mrc`);
      await writeFile(path, encodeMrc(makeImage(W, H, values, 1.4), { mode, littleEndian }));
      for (const [k, params] of SETTINGS.entries()) await assertSame(path, params, `mode ${mode} ${littleEndian ? 'LE' : 'BE'}, setting ${k}`);
    }
    const movie = join(dir, 'movie.mrcs');
    await writeFile(movie, encodeMrc([0, 1, 2].map((z) => makeImage(W, H, frame(z), 1.4))));
    await assertSame(movie, FOURIER, 'a 3-frame movie, summed');
    const png = join(dir, 'mic.png');
    await writeFile(png, encodePng(W, H, Uint8Array.from(frame(0), (v) => Math.max(0, Math.min(255, Math.round(v + 100)))), 1));
    await assertSame(png, FOURIER, 'a PNG (read whole)');
  });
});

test('streamed preprocessing fails and warns as the whole-image way (header problems, NaN pixels, no pixel size)', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'nan.mrc');
    const bytes = encodeMrc(makeImage(W, H, frame(0), 1.4));
    new DataView(bytes.buffer).setFloat32(1024 + 4 * (W * 70 + 3), Number.NaN, true); // in the second band
    await writeFile(path, bytes);
    const strict = await wholeWay(path, FOURIER).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(strict instanceof Error);
    await assert.rejects(readPrepared(path, FOURIER, false, () => {}), { name: strict.name, message: strict.message });
    assert.match(strict.message, /1 non-finite pixel value.*--permissive/);
    const replaced = await assertSame(path, FOURIER, 'NaN replaced', true);
    assert.equal(replaced.length, 1);
    assert.match(replaced[0] as string, /nan\.mrc byte \d+: 1 non-finite pixel.*replaced by the mean/);

    const axes = join(dir, 'axes.mrc');
    const odd = encodeMrc(makeImage(W, H, frame(1), 1.4));
    new DataView(odd.buffer).setInt32(64, 7, true); // mapc 7: readable with a warning under --permissive
    await writeFile(axes, odd);
    await assert.rejects(readPrepared(axes, FOURIER, false, () => {}), /mapc\/mapr\/maps are 7,2,3/);
    const header = await assertSame(axes, FOURIER, 'header warning', true);
    assert.equal(header.length, 1);
    assert.match(header[0] as string, /axes\.mrc byte 64: .*mapc\/mapr\/maps are 7,2,3.*\(--permissive\)/);

    const noPixel = join(dir, 'nopixel.mrc');
    await writeFile(noPixel, encodeMrc(makeImage(W, H, frame(2))));
    await assert.rejects(readPrepared(noPixel, SETTINGS[3]!, false, () => {}), (e: unknown) => e instanceof ConfigError && /pixel size/.test(e.message));
    assert.equal((await readFile(noPixel)).length, 1024 + 4 * W * H, 'the file is untouched');
  });
});
