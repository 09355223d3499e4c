// Micrograph normalisation: GMM keeps the ice at N(0,1) despite large contaminants (where plain
// standardisation does not), sampling is seeded, inversion flips contrast, constant images are safe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GMM_PARAMS, normalizeImage } from '../../src/image/normalize.js';
import { makeImage } from '../../src/image/image.js';
import type { Image2D } from '../../src/image/image.js';
import { gaussianSource } from './_gaussian.js';

/** 256² ice at N(100, 10) with a disc-shaped contaminant covering ~30% of the area. */
function contaminated(level: number): { image: Image2D; ice: Uint8Array } {
  const n = 256;
  const g = gaussianSource(9);
  const data = new Float32Array(n * n);
  const ice = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const inside = (x - 60) ** 2 + (y - 70) ** 2 < 80 ** 2;
      ice[y * n + x] = inside ? 0 : 1;
      data[y * n + x] = (inside ? level : 100) + 10 * g();
    }
  }
  return { image: makeImage(n, n, data, 4), ice };
}

function stats(d: Float32Array, mask: Uint8Array): { mean: number; std: number } {
  let s = 0, c = 0;
  for (let i = 0; i < d.length; i++) if (mask[i]) { s += d[i]!; c++; }
  const mean = s / c;
  let ss = 0;
  for (let i = 0; i < d.length; i++) if (mask[i]) ss += (d[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / c) };
}

test('GMM normalisation puts the ice at mean 0, std 1 despite dark or bright contaminants', () => {
  for (const level of [-50, 300]) {
    const { image, ice } = contaminated(level);
    const gmm = stats(normalizeImage(image, DEFAULT_GMM_PARAMS).image.data, ice);
    assert.ok(Math.abs(gmm.mean) < 0.05 && Math.abs(gmm.std - 1) < 0.05, `level ${level}: ice ${gmm.mean}, ${gmm.std}`);
    const plain = stats(normalizeImage(image, { kind: 'standardize' }).image.data, ice);
    assert.ok(Math.abs(plain.mean) > 0.3 || Math.abs(plain.std - 1) > 0.3, 'standardisation should be thrown off');
  }
});

test('sampling is seeded: same seed same output, the fit uses 1/sample of the pixels', () => {
  const { image } = contaminated(-50);
  const a = normalizeImage(image, DEFAULT_GMM_PARAMS);
  const b = normalizeImage(image, DEFAULT_GMM_PARAMS);
  assert.deepEqual(a.image.data, b.image.data);
  const c = normalizeImage(image, { ...DEFAULT_GMM_PARAMS, seed: 5 });
  assert.notEqual(a.stats.mean, c.stats.mean);
  assert.ok(Math.abs(a.stats.mean - c.stats.mean) < 0.5);
  const full = normalizeImage(image, { ...DEFAULT_GMM_PARAMS, sample: 1 });
  assert.ok(Math.abs(full.stats.mean - a.stats.mean) < 0.5);
});

test('standardize, none and inversion', () => {
  const img = makeImage(3, 2, Float32Array.from([1, 2, 3, 4, 5, 6]), 1);
  const s = normalizeImage(img, { kind: 'standardize' }).image.data;
  const sd = Math.sqrt(17.5 / 6);
  assert.ok(Math.abs(s[0]! - (1 - 3.5) / sd) < 1e-6);
  assert.deepEqual(Array.from(normalizeImage(img, { kind: 'none' }).image.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(normalizeImage(img, { kind: 'none' }, true).image.data), [-1, -2, -3, -4, -5, -6]);
  const inv = normalizeImage(img, { kind: 'standardize' }, true).image.data;
  assert.ok(Math.abs(inv[0]! + s[0]!) < 1e-7);
  assert.equal(normalizeImage(img, { kind: 'none' }).image.pixelSizeA, 1);
});

test('a constant image normalises to zeros, not NaN', () => {
  const img = makeImage(8, 8, new Float32Array(64).fill(3));
  for (const p of [DEFAULT_GMM_PARAMS, { kind: 'standardize' as const }]) {
    assert.ok(normalizeImage(img, p).image.data.every((v) => v === 0));
  }
});
