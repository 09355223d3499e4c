// The Topaz-style mixture: recovers known parameters, picks the majority component as
// background, handles the edge cases (constant data, single Gaussian), and the Beta density.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGmm, logBetaDensity, TOPAZ_INITIAL_WEIGHTS } from '../../src/image/gmm.js';
import type { GmmOptions } from '../../src/image/gmm.js';
import { gaussianSource } from './_gaussian.js';

const OPTIONS: GmmOptions = { iterations: 100, tolerance: 1e-3, initialWeights: TOPAZ_INITIAL_WEIGHTS, priorAlpha: 900, priorBeta: 1, scale: 1 };

function mixture(n: number, w: number, muA: number, muB: number, sd: number, seed: number): Float64Array {
  const g = gaussianSource(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (i < w * n ? muA : muB) + sd * g();
  return out;
}

test('recovers the parameters of a known two-component mixture with shared variance', () => {
  const fit = fitGmm(mixture(50000, 0.8, 5, -3, 2, 1), OPTIONS);
  assert.ok(Math.abs(fit.mean - 5) < 0.05, `mean ${fit.mean}`);
  assert.ok(Math.abs(fit.std - 2) < 0.05, `std ${fit.std}`);
  assert.ok(Math.abs(fit.otherMean + 3) < 0.1, `other mean ${fit.otherMean}`);
  assert.ok(Math.abs(fit.weight - 0.8) < 0.02, `weight ${fit.weight}`);
  assert.equal(fit.restarts.length, 23);
  assert.equal(fitGmm(mixture(1000, 0.8, 5, -3, 2, 1), { ...OPTIONS, seedFrom: "bright" }).restarts.length, 12);
  for (const r of fit.restarts) assert.ok(r.logPosterior <= fit.logPosterior);
});

test('the background is the majority component whether contaminants are dark or bright', () => {
  for (const contaminant of [-60, 250]) {
    const fit = fitGmm(mixture(40000, 0.65, 100, contaminant, 10, 2), OPTIONS);
    assert.ok(Math.abs(fit.mean - 100) < 0.5, `contaminant ${contaminant}: mean ${fit.mean}`);
    assert.ok(Math.abs(fit.std - 10) < 0.3, `contaminant ${contaminant}: std ${fit.std}`);
    assert.ok(fit.weight > 0.6 && fit.weight < 0.7);
  }
});

test('a single Gaussian is fitted as (nearly) one component', () => {
  const fit = fitGmm(mixture(20000, 1, 3, 0, 0.5, 3), OPTIONS);
  assert.ok(Math.abs(fit.mean - 3) < 0.03 && Math.abs(fit.std - 0.5) < 0.02, `${fit.mean} ${fit.std}`);
});

test('constant data gives std 0 instead of NaN; empty data is an error', () => {
  const fit = fitGmm(new Float64Array(100).fill(7), OPTIONS);
  assert.equal(fit.mean, 7);
  assert.equal(fit.std, 0);
  assert.throws(() => fitGmm(new Float64Array(0), OPTIONS), RangeError);
});

test('more EM iterations never lower a restart\'s log posterior', () => {
  const x = mixture(5000, 0.7, 0, 4, 1, 4);
  const few = fitGmm(x, { ...OPTIONS, iterations: 1 });
  const many = fitGmm(x, OPTIONS);
  for (let i = 0; i < few.restarts.length; i++) {
    assert.ok(many.restarts[i]!.logPosterior >= few.restarts[i]!.logPosterior - 1e-6);
  }
  const tight = fitGmm(x, { ...OPTIONS, tolerance: 0 });
  assert.ok(tight.restarts.some((r, i) => r.iterations >= many.restarts[i]!.iterations));
});

test('log Beta density matches closed forms, including the ends', () => {
  // Beta(2,3) pdf = 12 p (1-p)^2
  assert.ok(Math.abs(logBetaDensity(0.4, 2, 3) - Math.log(12 * 0.4 * 0.36)) < 1e-10);
  assert.ok(Math.abs(logBetaDensity(1, 900, 1) - Math.log(900)) < 1e-9);
  assert.equal(logBetaDensity(1, 2, 3), -Infinity);
  assert.ok(Math.abs(logBetaDensity(0.999, 900, 1) - (Math.log(900) + 899 * Math.log(0.999))) < 1e-8);
});

test('Topaz seeding (bright only) takes a large bright contaminant for the background; ours does not', () => {
  const x = mixture(20000, 0.65, 100, 250, 10, 5);
  const topaz = fitGmm(x, { ...OPTIONS, seedFrom: 'bright' });
  assert.ok(Math.abs(topaz.mean - 250) < 1, `topaz-style mean ${topaz.mean}`);
  const ours = fitGmm(x, OPTIONS);
  assert.ok(Math.abs(ours.mean - 100) < 0.5);
  assert.equal(ours.seed, 'dark');
});

test('grouping values (the default) agrees with the exact per-pixel EM', () => {
  for (const [x, label] of [[mixture(20000, 0.7, 0, 3, 1, 6), 'overlapping'], [mixture(20000, 0.9, 10, -20, 2, 7), 'separated']] as const) {
    const exact = fitGmm(x, { ...OPTIONS, groupWidth: 0 });
    const grouped = fitGmm(x, OPTIONS);
    const sd = exact.std;
    assert.ok(Math.abs(exact.mean - grouped.mean) < 1e-3 * sd, `${label}: ${exact.mean} vs ${grouped.mean}`);
    assert.ok(Math.abs(exact.std - grouped.std) < 1e-3 * sd, `${label}: ${exact.std} vs ${grouped.std}`);
    assert.ok(Math.abs(exact.weight - grouped.weight) < 1e-3);
  }
});
