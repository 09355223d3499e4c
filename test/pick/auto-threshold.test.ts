// The threshold from the score distribution: two modes found by a two-Gaussian fit, the
// threshold where their weighted densities cross, and one clear error with too few scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdFromScores } from '../../src/pick/auto-threshold.js';
import { Random } from '../../src/random.js';
import { UsageError } from '../../src/errors.js';

test('two well separated modes put the threshold between them', () => {
  const r = new Random(1);
  const scores = [...Array.from({ length: 600 }, () => -4 + r.normal()), ...Array.from({ length: 150 }, () => 3 + 0.8 * r.normal())];
  const m = thresholdFromScores(scores);
  assert.ok(Math.abs(m.background.mean + 4) < 0.3, `background mean ${m.background.mean}`);
  assert.ok(Math.abs(m.particle.mean - 3) < 0.3, `particle mean ${m.particle.mean}`);
  assert.ok(Math.abs(m.particle.weight - 0.2) < 0.05, `particle weight ${m.particle.weight}`);
  assert.ok(m.threshold > -1 && m.threshold < 1.5, `threshold ${m.threshold}`);
  assert.equal(thresholdFromScores(scores, 0.5).threshold, m.threshold + 0.5);
});

test('the threshold follows the modes when the scores shift (a dataset scored lower)', () => {
  const r = new Random(2);
  const scores = [...Array.from({ length: 600 }, () => -7 + r.normal()), ...Array.from({ length: 150 }, () => r.normal())];
  const m = thresholdFromScores(scores);
  assert.ok(m.threshold > -5 && m.threshold < -1.5, `threshold ${m.threshold}`);
});

test('too few detections is one clear error', () => {
  assert.throws(() => thresholdFromScores([1, 2, 3]), (e) => e instanceof UsageError && /too few/.test(e.message));
});
