// The canonical scale of scale-free (general) models: the crop factor, the preprocessing it
// replaces, the shipped model's location and `--model general`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CANONICAL_DIAMETER_GRID_PX, canonicalFactor, canonicalPreprocess } from '../../src/pick/canonical-scale.js';
import { GENERAL_MODEL, atParticleScale, generalModelPath, isScaleFree, resolveModelPath } from '../../src/pick/general-model.js';
import { defaultPreprocessParams } from '../../src/image/preprocess-params.js';
import { loadScoreModel, type ScoreModel } from '../../src/pick/score-model.js';

test('the crop factor brings the diameter to the canonical size, never below 1', () => {
  assert.equal(canonicalFactor(CANONICAL_DIAMETER_GRID_PX * 5), 5);
  assert.equal(canonicalFactor(10), 1);
  const pre = canonicalPreprocess(defaultPreprocessParams(), 90, 18);
  assert.deepEqual(pre.downsample, { kind: 'factor', factor: 5, method: 'fourier' });
  assert.deepEqual(canonicalPreprocess(defaultPreprocessParams(), 12, 18).downsample, { kind: 'none' });
});

test('atParticleScale sets a scale-free model to a diameter and leaves other models alone', () => {
  const base: ScoreModel = { preprocess: defaultPreprocessParams(), scoreMap: async () => new Float32Array() };
  assert.equal(atParticleScale(base, 100), base);
  assert.equal(isScaleFree(base), false);
  const free: ScoreModel = { ...base, canonicalDiameterGridPx: 20 };
  const set = atParticleScale(free, 100);
  assert.deepEqual(set.preprocess.downsample, { kind: 'factor', factor: 5, method: 'fourier' });
  assert.equal(set.particleDiameterPx, 100);
});

test('--model general (or none) names the shipped model, which loads as a scale-free picker', async () => {
  assert.equal(resolveModelPath('some.onnx'), 'some.onnx');
  assert.equal(resolveModelPath(GENERAL_MODEL), generalModelPath());
  assert.equal(resolveModelPath(undefined), generalModelPath());
  assert.ok(existsSync(generalModelPath()), 'models/general.onnx is part of the package');
  const m = await loadScoreModel(generalModelPath(), { threads: 1 });
  try {
    assert.equal(m.canonicalDiameterGridPx, CANONICAL_DIAMETER_GRID_PX);
    assert.deepEqual(m.preprocess.downsample, { kind: 'none' });
  } finally {
    await m.release?.();
  }
});
