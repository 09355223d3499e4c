// Filter responses: half-power at the cut-off, DC kept, Å and Nyquist cut-offs agree, and a
// filtered image attenuates exactly the frequencies the response says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutoffCyclesPerPixel, filterImage, highpassResponse, lowpassResponse, makeSpectralFilter } from '../../src/image/filter.js';
import type { FilterParams } from '../../src/image/filter.js';
import { makeImage } from '../../src/image/image.js';
import { ConfigError } from '../../src/errors.js';

const gauss: FilterParams = { kind: 'gaussian', cutoff: { fractionNyquist: 0.5 } };
const butter: FilterParams = { kind: 'butterworth', cutoff: { fractionNyquist: 0.5 }, order: 4 };

test('lowpass and highpass are 1/√2 at the cut-off, pass DC, and are power-complementary', () => {
  for (const p of [gauss, butter]) {
    assert.ok(Math.abs(lowpassResponse(p, 0.2, 0.2) - Math.SQRT1_2) < 1e-12);
    assert.ok(Math.abs(highpassResponse(p, 0.2, 0.2) - Math.SQRT1_2) < 1e-12);
    assert.equal(lowpassResponse(p, 0, 0.2), 1);
    assert.equal(highpassResponse(p, 0, 0.2), 1);
    for (const f of [0.01, 0.1, 0.3, 0.5]) {
      const l = lowpassResponse(p, f, 0.2);
      const h = highpassResponse(p, f, 0.2);
      assert.ok(Math.abs(l * l + h * h - 1) < 1e-12);
    }
    assert.ok(lowpassResponse(p, 0.1, 0.2) > lowpassResponse(p, 0.3, 0.2));
  }
  // a higher Butterworth order gives a sharper edge
  const o2: FilterParams = { kind: 'butterworth', cutoff: { fractionNyquist: 0.5 }, order: 2 };
  assert.ok(lowpassResponse(butter, 0.4, 0.2) < lowpassResponse(o2, 0.4, 0.2));
});

test('a cut-off in Å equals the matching fraction of Nyquist', () => {
  // 2 Å/px: Nyquist is 4 Å; a 16 Å cut-off is 1/4 of Nyquist = 0.125 cycles/px
  assert.equal(cutoffCyclesPerPixel({ resolutionA: 16 }, 2, 'x'), 0.125);
  assert.equal(cutoffCyclesPerPixel({ fractionNyquist: 0.25 }, undefined, 'x'), 0.125);
  assert.throws(() => cutoffCyclesPerPixel({ resolutionA: 16 }, undefined, 'lowpass.cutoff'),
    (e: unknown) => e instanceof ConfigError && /lowpass\.cutoff/.test(e.message));
});

test('filtering a cosine scales it by the response at its frequency', () => {
  const W = 64;
  const H = 48;
  const u = 12;
  const v = 9; // frequency (12/64, 9/48) = (0.1875, 0.1875) cycles/px
  const data = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = 3 + Math.cos(2 * Math.PI * ((u * x) / W + (v * y) / H));
  const f = Math.hypot(u / W, v / H);
  for (const [low, high] of [[butter, { kind: 'none' }], [{ kind: 'none' }, gauss]] as Array<[FilterParams, FilterParams]>) {
    const out = filterImage(makeImage(W, H, data, 1), low, high);
    const g = makeSpectralFilter(low, high, 1)!(u / W, v / H);
    const expected = low.kind === 'none' ? highpassResponse(high, f, 0.25) : lowpassResponse(low, f, 0.25);
    assert.ok(Math.abs(g - expected) < 1e-12);
    let err = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const want = 3 + g * Math.cos(2 * Math.PI * ((u * x) / W + (v * y) / H));
        err = Math.max(err, Math.abs(out.data[y * W + x]! - want));
      }
    }
    assert.ok(err < 1e-4, `max error ${err}`);
  }
});

test('a highpass flattens a slow ice gradient but keeps the mean', () => {
  const W = 96;
  const H = 96;
  const data = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = 10 + 2 * Math.cos((2 * Math.PI * x) / W) + ((x * 7 + y * 13) % 5) * 0.1;
  const out = filterImage(makeImage(W, H, data), { kind: 'none' }, { kind: 'butterworth', cutoff: { fractionNyquist: 0.2 }, order: 4 });
  const colMean = (img: Float32Array, x: number) => { let s = 0; for (let y = 0; y < H; y++) s += img[y * W + x]!; return s / H; };
  const spread = (img: Float32Array) => Math.abs(colMean(img, 0) - colMean(img, W / 2));
  assert.ok(spread(data) > 3.9);
  assert.ok(spread(out.data) < 0.05, `gradient left: ${spread(out.data)}`);
  const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
  assert.ok(Math.abs(mean(out.data) - mean(data)) < 1e-4);
});
