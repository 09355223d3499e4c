// `cryopick preprocess` end to end: flags become PreprocessParams, outputs and the params file are
// written, usage mistakes exit 2, and a params file replays the same settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { paramsFromFlags } from '../../src/cli/commands/preprocess.js';
import { makeImage } from '../../src/image/image.js';
import { readMrc, writeMrc } from '../../src/io/mrc.js';
import { parsePreprocessParams } from '../../src/image/preprocess-params.js';

async function silent<T>(fn: () => Promise<T>): Promise<T> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test('flags map onto every preprocessing parameter', async () => {
  const p = await paramsFromFlags({
    downsample: '2.5', lowpass: 'gaussian', lowpassNyquist: '0.6', highpassResolution: '400', order: '6',
    pixelSampling: '4', normIters: '50', tolerance: '0.01', alpha: '100', beta: '2', seed: '3', initWeights: '0.5,0.9,1', topazSeeding: true, invert: true,
  });
  assert.deepEqual(p, parsePreprocessParams({
    downsample: { kind: 'factor', factor: 2.5, method: 'fourier' },
    lowpass: { kind: 'gaussian', cutoff: { fractionNyquist: 0.6 } },
    highpass: { kind: 'butterworth', cutoff: { resolutionA: 400 }, order: 6 },
    normalize: { kind: 'gmm', sample: 4, iterations: 50, tolerance: 0.01, priorAlpha: 100, priorBeta: 2, seed: 3, initialWeights: [0.5, 0.9, 1], seedFrom: 'bright' },
    invert: true,
  }));
  const bin = await paramsFromFlags({ pixelSize: '4', bin: true, normalize: 'standardize' });
  assert.deepEqual([bin.downsample, bin.normalize], [{ kind: 'pixelSize', pixelSizeA: 4, method: 'bin' }, { kind: 'standardize' }]);
});

test('cryopick preprocess writes MRCs, the params file, and reuses them via --params and --cache-dir', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-ppcli-'));
  try {
    for (const name of ['a', 'b']) {
      await writeMrc(join(dir, `${name}.mrc`), makeImage(64, 48, new Float32Array(64 * 48).map((_, i) => Math.sin(i * 0.1) * 3 + 10), 1.1));
    }
    const out = join(dir, 'out');
    const cache = join(dir, 'cache');
    const code = await silent(() => main(['preprocess', join(dir, 'a.mrc'), join(dir, 'b.mrc'), '-o', out, '--scale', '2', '--float16', '-t', '2', '--cache-dir', cache, '-q']));
    assert.equal(code, 0);
    const a = await readMrc(join(out, 'a.mrc'));
    assert.deepEqual([a.width, a.height, a.mode], [32, 24, 12]);
    assert.ok(Math.abs(a.pixelSizeA! - 2.2) < 1e-5);
    const params = JSON.parse(await readFile(join(out, 'preprocess-params.json'), 'utf8'));
    assert.deepEqual(params.downsample, { kind: 'factor', factor: 2, method: 'fourier' });
    // replay from the params file into a second folder: identical pixels
    const out2 = join(dir, 'out2');
    assert.equal(await silent(() => main(['preprocess', dir, '-o', out2, '--params', join(out, 'preprocess-params.json'), '--float16', '-t', '1', '-q'])), 0);
    assert.deepEqual((await readMrc(join(out2, 'a.mrc'))).images[0]!.data, a.images[0]!.data);
    // existing outputs without --overwrite: a one-line error, exit 1
    assert.equal(await silent(() => main(['preprocess', join(dir, 'a.mrc'), '-o', out, '-q'])), 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('usage mistakes and bad parameter values exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-ppcli-'));
  try {
    const input = join(dir, 'a.mrc');
    await writeMrc(input, makeImage(16, 16, new Float32Array(256).fill(1), 1));
    const run = (args: string[]) => silent(() => main(['preprocess', input, '-o', join(dir, 'out'), '-q', ...args]));
    for (const args of [['--scale', '2', '--pixel-size', '4'], ['--scale', 'x'], ['--lowpass', 'gaussian'], ['--normalize', 'standardize', '--sample', '5'], ['--threads', '0'], ['--cache-key', 'md5']]) {
      assert.equal(await run(args), 2, args.join(' '));
    }
    assert.equal(await run(['--scale', '2.5', '--bin']), 2);
    assert.equal(await run(['--scale', '2']), 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
