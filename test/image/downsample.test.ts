// Downsampling plans (factor, target pixel size, binning), factor 1 as the identity, binning by
// hand-computed examples, the errors users get for impossible requests, and every method fed in bands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockBinner, applyDownsamplePlan, binImage, downsample, planDownsample, rowDownsampler } from '../../src/image/downsample.js';
import { makeImage } from '../../src/image/image.js';
import { ConfigError } from '../../src/errors.js';

test('property: downsampling by factor 1 (either method) returns the same pixels', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom('fourier' as const, 'bin' as const), (W, H, method) => {
      const img = makeImage(W, H, new Float32Array(W * H).map((_, i) => Math.sin(i) * 7), 1.1);
      const out = downsample(img, { kind: 'factor', factor: 1, method });
      assert.deepEqual(out.data, img.data);
      assert.notEqual(out.data, img.data, 'the output must be a copy');
      assert.equal(out.pixelSizeA, 1.1);
    }),
    { numRuns: 30 },
  );
});

test('real factors round the output size and report per-axis factors', () => {
  const plan = planDownsample(3838, 3710, 1.06, { kind: 'factor', factor: 3.3, method: 'fourier' });
  assert.deepEqual([plan.outWidth, plan.outHeight], [1163, 1124]);
  assert.ok(Math.abs(plan.factorX - 3838 / 1163) < 1e-12 && Math.abs(plan.factorY - 3710 / 1124) < 1e-12);
  const img = makeImage(37, 29, new Float32Array(37 * 29).fill(4), 2);
  const out = downsample(img, { kind: 'factor', factor: 2.5, method: 'fourier' });
  assert.deepEqual([out.width, out.height], [15, 12]);
  assert.ok(Math.abs(out.pixelSizeA! - (2 * 37) / 15) < 1e-12);
  assert.ok(out.data.every((v) => Math.abs(v - 4) < 1e-5));
});

test('a target pixel size sets the factor; an image already coarser is left alone', () => {
  const plan = planDownsample(4096, 4096, 1.0, { kind: 'pixelSize', pixelSizeA: 4.0, method: 'fourier' });
  assert.deepEqual([plan.outWidth, plan.outHeight, plan.factorX], [1024, 1024, 4]);
  const coarse = planDownsample(100, 80, 5, { kind: 'pixelSize', pixelSizeA: 4, method: 'fourier' });
  assert.equal(coarse.method, 'none');
  const bin = planDownsample(100, 80, 1.3, { kind: 'pixelSize', pixelSizeA: 4, method: 'bin' });
  assert.deepEqual([bin.method, bin.factorX, bin.outWidth, bin.outHeight], ['bin', 3, 33, 26]);
});

test('impossible requests are ConfigErrors naming the parameter', () => {
  assert.throws(() => planDownsample(10, 10, undefined, { kind: 'pixelSize', pixelSizeA: 4, method: 'fourier' }),
    (e: unknown) => e instanceof ConfigError && /pixel size/.test(e.message));
  assert.throws(() => planDownsample(10, 10, 1, { kind: 'factor', factor: 2.5, method: 'bin' }),
    (e: unknown) => e instanceof ConfigError && /integer/.test(e.message));
  assert.throws(() => planDownsample(10, 10, 1, { kind: 'factor', factor: 0.5, method: 'fourier' }), ConfigError);
});

test('binning averages blocks and drops the remainder', () => {
  // 5x4 image, values = x + 10y; bin 2 → 2x2 of block means
  const data = new Float32Array(20);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) data[y * 5 + x] = x + 10 * y;
  const out = binImage(makeImage(5, 4, data, 1.5), 2);
  assert.deepEqual([out.width, out.height, out.pixelSizeA], [2, 2, 3]);
  assert.deepEqual(Array.from(out.data), [5.5, 7.5, 25.5, 27.5]);
});

test('property: binning preserves the mean when the size divides', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (f, bw, bh) => {
      const W = f * bw;
      const H = f * bh;
      const img = makeImage(W, H, new Float32Array(W * H).map((_, i) => ((i * 37) % 11) - 3));
      const out = downsample(img, { kind: 'factor', factor: f, method: 'bin' });
      const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
      assert.ok(Math.abs(mean(out.data) - mean(img.data)) < 1e-4);
    }),
  );
});

test('BlockBinner fed bands of any size equals binning the whole image (remainders, factor beyond the height)', () => {
  const W = 23;
  const H = 17;
  const img = makeImage(W, H, Float32Array.from({ length: W * H }, (_, i) => ((i * 31) % 17) - 8.5), 2);
  for (const factor of [1, 2, 3, 4, 5, 20]) {
    const whole = binImage(img, factor);
    for (const band of [1, 2, 3, 7, H]) {
      const b = new BlockBinner(W, H, factor);
      for (let y = 0; y < H; y += band) {
        const n = Math.min(band, H - y);
        const rows = new Float32Array(band * W); // a reused, larger buffer: only n rows are read
        rows.set(img.data.subarray(y * W, (y + n) * W));
        assert.throws(() => b.result(2), /rows added/);
        b.addRows(rows, n);
      }
      const got = b.result(2);
      assert.deepEqual([got.width, got.height, got.pixelSizeA], [whole.width, whole.height, whole.pixelSizeA], `factor ${factor}`);
      assert.deepEqual(got.data, whole.data, `factor ${factor}, bands of ${band}`);
    }
  }
  assert.throws(() => new BlockBinner(4, 4, 1.5), /positive integer/);
});

test('rowDownsampler fed bands equals the whole-image plan for every method, with and without a filter', () => {
  const W = 50;
  const H = 31;
  const img = makeImage(W, H, Float32Array.from({ length: W * H }, (_, i) => Math.sin(i * 0.37) * 5 + ((i * 13) % 7)), 1.5);
  const lowpass = (fx: number, fy: number): number => 1 / (1 + 30 * (fx * fx + fy * fy));
  const plans = [planDownsample(W, H, 1.5, { kind: 'factor', factor: 2.5, method: 'fourier' }), planDownsample(W, H, 1.5, { kind: 'factor', factor: 3, method: 'bin' }), planDownsample(W, H, 1.5, { kind: 'none' })];
  for (const plan of plans) {
    for (const filter of [undefined, lowpass]) {
      const whole = applyDownsamplePlan(img, plan, filter);
      const sink = rowDownsampler(W, H, 1.5, plan, filter);
      for (let y = 0; y < H; y += 7) sink.addRows(img.data.subarray(y * W), Math.min(7, H - y));
      const got = sink.result();
      assert.deepEqual([got.width, got.height, got.pixelSizeA], [whole.width, whole.height, whole.pixelSizeA], plan.method);
      assert.deepEqual(got.data, whole.data, `${plan.method}, ${filter ? 'filtered' : 'plain'}`);
    }
  }
  const none = rowDownsampler(W, H, 1.5, plans[2]!);
  none.addRows(img.data, H - 1);
  assert.throws(() => none.result(), /30 of 31 rows added/);
});
