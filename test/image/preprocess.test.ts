// PreprocessParams (defaults, validation, stable keys) and preprocessImage end to end: order of
// steps, new pixel size, replaying the same params gives the same pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPreprocessParams, parsePreprocessParams, preprocessParamsKey } from '../../src/image/preprocess-params.js';
import { preprocessImage, preprocessImageDetailed } from '../../src/image/preprocess.js';
import { makeImage } from '../../src/image/image.js';
import { ConfigError } from '../../src/errors.js';
import { gaussianSource } from './_gaussian.js';

test('defaults follow Topaz: no downsampling, GMM with sample 10, 100 iterations, 12 initial weights', () => {
  const p = defaultPreprocessParams();
  assert.deepEqual(p.downsample, { kind: 'none' });
  assert.equal(p.invert, false);
  assert.equal(p.normalize.kind, 'gmm');
  if (p.normalize.kind !== 'gmm') return;
  assert.deepEqual([p.normalize.sample, p.normalize.iterations, p.normalize.tolerance, p.normalize.priorAlpha, p.normalize.priorBeta],
    [10, 100, 1e-3, 900, 1]);
  assert.equal(p.normalize.initialWeights.length, 12);
});

test('partial params get defaults; bad params list every problem with its path', () => {
  const p = parsePreprocessParams({ downsample: { kind: 'factor', factor: 4 }, lowpass: { kind: 'butterworth', cutoff: { resolutionA: 20 } } });
  assert.deepEqual(p.downsample, { kind: 'factor', factor: 4, method: 'fourier' });
  assert.deepEqual(p.lowpass, { kind: 'butterworth', cutoff: { resolutionA: 20 }, order: 4 });
  try {
    parsePreprocessParams({ downsample: { kind: 'factor', factor: 2.5, method: 'bin' }, normalize: { kind: 'gmm', sample: 0 }, invert: 'yes' }, 'preprocess');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const paths = e.problems.map((q) => q.path).sort();
    assert.deepEqual(paths, ['preprocess.downsample.factor', 'preprocess.invert', 'preprocess.normalize.sample']);
  }
  assert.throws(() => parsePreprocessParams({ downsample: { kind: 'factor', factor: 2, extra: 1 } }), ConfigError);
});

test('the params key is stable under key order and defaults, and differs when a value differs', () => {
  const a = preprocessParamsKey({ invert: false, downsample: { method: 'fourier', factor: 4, kind: 'factor' } });
  const b = preprocessParamsKey(parsePreprocessParams({ downsample: { kind: 'factor', factor: 4 } }));
  assert.equal(a, b);
  assert.notEqual(a, preprocessParamsKey({ downsample: { kind: 'factor', factor: 4 }, invert: true }));
  assert.deepEqual(parsePreprocessParams(JSON.parse(JSON.stringify(parsePreprocessParams({ downsample: { kind: 'factor', factor: 3 } })))),
    parsePreprocessParams({ downsample: { kind: 'factor', factor: 3 } }));
});

test('preprocessImage downsamples, filters, normalises and inverts, with the new pixel size', () => {
  const W = 200;
  const H = 150;
  const g = gaussianSource(3);
  const data = new Float32Array(W * H).map(() => 50 + 5 * g());
  const img = makeImage(W, H, data, 1.2);
  const params = parsePreprocessParams({
    downsample: { kind: 'pixelSize', pixelSizeA: 4.8 },
    lowpass: { kind: 'gaussian', cutoff: { resolutionA: 20 } },
    invert: true,
  });
  const r = preprocessImageDetailed(img, params);
  assert.deepEqual([r.image.width, r.image.height, r.image.pixelSizeA], [50, 38, 1.2 * 4]);
  assert.equal(r.plan.factorX, 4);
  assert.ok(Math.abs(r.plan.factorY - 150 / 38) < 1e-12);
  assert.ok(Math.abs(r.stats.mean - 50) < 0.5, `background mean ${r.stats.mean}`);
  const mean = r.image.data.reduce((s, v) => s + v, 0) / r.image.data.length;
  assert.ok(Math.abs(mean) < 0.2);
  // replay: same params, same input → identical pixels
  assert.deepEqual(preprocessImage(img, params).data, r.image.data);
  // the input is untouched
  assert.equal(img.data[0], data[0]);
});

test('a pixel-size request on an image without a pixel size is a ConfigError', () => {
  const img = makeImage(16, 16, new Float32Array(256).fill(1));
  assert.throws(() => preprocessImage(img, parsePreprocessParams({ downsample: { kind: 'pixelSize', pixelSizeA: 4 } })), ConfigError);
  assert.throws(() => preprocessImage(img, parsePreprocessParams({ lowpass: { kind: 'gaussian', cutoff: { resolutionA: 20 } } })), ConfigError);
});

test('NaN and infinite pixels are replaced by the mean of the others and counted', () => {
  const data = new Float32Array(64 * 48).map((_, i) => 5 + Math.sin(i));
  data[10] = Number.NaN;
  data[200] = Number.POSITIVE_INFINITY;
  const r = preprocessImageDetailed(makeImage(64, 48, data), parsePreprocessParams({ downsample: { kind: 'factor', factor: 2 } }));
  assert.equal(r.nonFiniteReplaced, 2);
  assert.ok(r.image.data.every(Number.isFinite));
  assert.ok(Number.isNaN(data[10]!), 'the input is not modified');
});
