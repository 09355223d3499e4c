// Tests of the CTF: wavelength, low-frequency value, zeros, astigmatism, and the fast grid sampler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctfEvaluator, ctfProblems, electronWavelengthA, type CtfParams } from '../../src/sim/ctf.js';
import { sampleCtf } from '../../src/sim/imaging.js';
import { frequencyIndex } from '../../src/sim/_fft2d.js';

const BASE: CtfParams = {
  voltageKv: 300, sphericalAberrationMm: 2.7, amplitudeContrast: 0.07,
  defocusUA: 15000, defocusVA: 15000, astigmatismAngleDeg: 0, bFactorA2: 0,
};

test('relativistic electron wavelengths match the textbook values', () => {
  assert.ok(Math.abs(electronWavelengthA(300) - 0.019687) < 2e-6);
  assert.ok(Math.abs(electronWavelengthA(200) - 0.025079) < 2e-6);
  assert.ok(Math.abs(electronWavelengthA(100) - 0.037014) < 2e-6);
});

test('the CTF equals the amplitude contrast at k = 0 and is positive just above', () => {
  const c = ctfEvaluator(BASE);
  assert.ok(Math.abs(c.at(0, 0) - 0.07) < 1e-12);
  assert.ok(c.at(1 / 200, 0) > 0.07);
});

test('the first zero is where χ = π − asin(w) (Cs = 0)', () => {
  const p = { ...BASE, sphericalAberrationMm: 0 };
  const lambda = electronWavelengthA(300);
  const k0 = Math.sqrt((Math.PI - Math.asin(0.07)) / (Math.PI * lambda * 15000));
  const c = ctfEvaluator(p);
  assert.ok(Math.abs(c.at(k0, 0)) < 1e-9);
  assert.ok(c.at(k0 * 0.99, 0) > 0 && c.at(k0 * 1.01, 0) < 0);
});

test('astigmatism: along U the CTF is that of defocus U, along V that of defocus V', () => {
  const astig = ctfEvaluator({ ...BASE, defocusUA: 18000, defocusVA: 12000, astigmatismAngleDeg: 30 });
  const u = ctfEvaluator({ ...BASE, defocusUA: 18000, defocusVA: 18000 });
  const v = ctfEvaluator({ ...BASE, defocusUA: 12000, defocusVA: 12000 });
  const a = (30 * Math.PI) / 180;
  for (const k of [0.01, 0.03, 0.07]) {
    assert.ok(Math.abs(astig.at(k * Math.cos(a), k * Math.sin(a)) - u.at(k, 0)) < 1e-9);
    assert.ok(Math.abs(astig.at(-k * Math.sin(a), k * Math.cos(a)) - v.at(k, 0)) < 1e-9);
  }
});

test('the B-factor envelope multiplies by exp(−B k²/4)', () => {
  const k = 0.1;
  const plain = ctfEvaluator(BASE).at(k, 0);
  const damped = ctfEvaluator({ ...BASE, bFactorA2: 100 }).at(k, 0);
  assert.ok(Math.abs(damped - plain * Math.exp((-100 * k * k) / 4)) < 1e-12);
});

test('sampleCtf agrees with the evaluator below Nyquist and is exactly even on the grid', () => {
  const p: CtfParams = { ...BASE, defocusUA: 17000, defocusVA: 14500, astigmatismAngleDeg: 73, bFactorA2: 80 };
  const w = 32;
  const h = 16;
  const px = 2.5;
  const grid = sampleCtf(p, w, h, px);
  const c = ctfEvaluator(p);
  for (let iy = 0; iy < h; iy++) {
    for (let ix = 0; ix < w; ix++) {
      // evenness is what lets two real images share one complex FFT without crosstalk
      assert.equal(grid[iy * w + ix], grid[((h - iy) % h) * w + ((w - ix) % w)], `(${ix}, ${iy}) even`);
      if (ix === w / 2 || iy === h / 2) continue;
      const expected = c.at(frequencyIndex(ix, w) / (w * px), frequencyIndex(iy, h) / (h * px));
      assert.ok(Math.abs(grid[iy * w + ix]! - expected) < 1e-6, `(${ix}, ${iy})`);
    }
  }
});

test('bad CTF parameters are all reported', () => {
  const problems = ctfProblems({ ...BASE, voltageKv: 0, amplitudeContrast: 1.5, bFactorA2: -1 });
  assert.equal(problems.length, 3);
});
