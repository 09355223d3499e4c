// Tests of the whole-field imaging steps: the FFT, paired filtering without crosstalk, coloured
// noise and the uneven-ice background.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimRandom } from '../../src/sim/_random.js';
import { fft2dInPlace, nextPowerOfTwo } from '../../src/sim/_fft2d.js';
import { colouredNoisePair, filterPair, iceBackground, sampleCtf } from '../../src/sim/imaging.js';
import type { CtfParams } from '../../src/sim/ctf.js';

const CTF: CtfParams = {
  voltageKv: 300, sphericalAberrationMm: 2.7, amplitudeContrast: 0.07,
  defocusUA: 16000, defocusVA: 14000, astigmatismAngleDeg: 35, bFactorA2: 60,
};

test('the 2D FFT matches a direct DFT and inverts exactly', () => {
  const w = 8;
  const h = 4;
  const rng = new SimRandom(1);
  const data = Float64Array.from({ length: 2 * w * h }, () => rng.normal());
  const copy = data.slice();
  fft2dInPlace(data, w, h, false);
  for (const [u, v] of [[0, 0], [3, 1], [7, 2], [5, 3]] as const) {
    let re = 0;
    let im = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const a = -2 * Math.PI * ((u * x) / w + (v * y) / h);
        const i = 2 * (y * w + x);
        re += copy[i]! * Math.cos(a) - copy[i + 1]! * Math.sin(a);
        im += copy[i]! * Math.sin(a) + copy[i + 1]! * Math.cos(a);
      }
    }
    assert.ok(Math.abs(data[2 * (v * w + u)]! - re) < 1e-9 && Math.abs(data[2 * (v * w + u) + 1]! - im) < 1e-9);
  }
  fft2dInPlace(data, w, h, true);
  data.forEach((x, i) => assert.ok(Math.abs(x - copy[i]!) < 1e-12));
  assert.equal(nextPowerOfTwo(1000), 1024);
  assert.equal(nextPowerOfTwo(1024), 1024);
});

test('two images filtered together do not leak into each other', () => {
  const w = 100;
  const h = 60; // padded to 128 × 64
  const rng = new SimRandom(2);
  const a = Float64Array.from({ length: w * h }, () => rng.normal());
  const zero = new Float64Array(w * h);
  const transfer = sampleCtf(CTF, nextPowerOfTwo(w), nextPowerOfTwo(h), 3);
  const both = filterPair(a, a.map((x) => -2 * x), w, h, { transfer, pixelSizeA: 3, blurSigmaA: 4 });
  const alone = filterPair(a, zero, w, h, { transfer, pixelSizeA: 3, blurSigmaA: 4 });
  for (let i = 0; i < w * h; i++) {
    assert.ok(Math.abs(alone.b[i]!) < 1e-9, 'no crosstalk into the empty image');
    assert.ok(Math.abs(both.a[i]! - alone.a[i]!) < 1e-9);
    assert.ok(Math.abs(both.b[i]! + 2 * alone.a[i]!) < 1e-9);
  }
});

test('coloured noise has the power spectrum of the filter and two independent parts', () => {
  const w = 128;
  const h = 128;
  const transfer = sampleCtf(CTF, w, h, 2);
  const { a, b } = colouredNoisePair(w, h, { transfer, pixelSizeA: 2, blurSigmaA: 0 }, new SimRandom(3));
  let corr = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    corr += a[i]! * b[i]!;
    va += a[i]! ** 2;
    vb += b[i]! ** 2;
  }
  assert.ok(Math.abs(corr / Math.sqrt(va * vb)) < 0.03, 'the two fields are uncorrelated');
  assert.ok(Math.abs(va / vb - 1) < 0.1, 'and have the same variance');
  // Parseval: unit-variance complex white noise, inverse FFT scaled by 1/N → variance Σ H² / N²
  const expected = transfer.reduce((s, x) => s + x * x, 0) / (w * h) ** 2;
  assert.ok(Math.abs(va / a.length / expected - 1) < 0.1, `variance ${va / a.length} vs ${expected}`);
  // at a CTF zero the spectrum is empty: compare power near a zero with power near a maximum
  const spec = Float64Array.from({ length: 2 * w * h }, (_, i) => (i % 2 === 0 ? a[i / 2]! : 0));
  fft2dInPlace(spec, w, h, false);
  let lowPower = 0;
  let highPower = 0;
  let lowN = 0;
  let highN = 0;
  for (let i = 0; i < w * h; i++) {
    const p = spec[2 * i]! ** 2 + spec[2 * i + 1]! ** 2;
    if (Math.abs(transfer[i]!) < 0.05) {
      lowPower += p;
      lowN++;
    } else if (Math.abs(transfer[i]!) > 0.6) {
      highPower += p;
      highN++;
    }
  }
  assert.ok(lowPower / lowN < 0.05 * (highPower / highN), 'Thon rings: no power at CTF zeros');
});

test('the ice background has zero mean and the requested peak-to-peak range', () => {
  const ice = iceBackground(200, 150, 0.1, new SimRandom(4));
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of ice) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  // float32 output: relative precision ~1e-7
  assert.ok(Math.abs(hi - lo - 0.1) < 1e-6);
  assert.ok(Math.abs(sum / ice.length) < 1e-6);
  // smooth: neighbouring pixels differ by a tiny fraction of the range
  for (let i = 1; i < 200; i++) assert.ok(Math.abs(ice[i]! - ice[i - 1]!) < 0.01);
  assert.ok(iceBackground(10, 10, 0, new SimRandom(1)).every((v) => v === 0));
});
