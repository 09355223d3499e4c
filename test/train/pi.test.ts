// π from the true disk area, and the PN switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePi, decidePrior, diskArea } from '../../src/train/pi.js';

test('disk area counts 2-D pixels (r=3 → 29, not Topaz 0.3 203)', () => {
  assert.equal(diskArea(0), 1);
  assert.equal(diskArea(1), 5);
  assert.equal(diskArea(2), 13);
  assert.equal(diskArea(3), 29);
  assert.equal(diskArea(4), 49);
});

test('π = A(r)·n·M / total pixels', () => {
  // Topaz tutorial: 400 particles, r=3, 8× binned ~ 927×959 micrographs → 29·400/888,993 = 0.01305
  assert.ok(Math.abs(computePi(400, 3, [927 * 959]) - (29 * 400) / (927 * 959)) < 1e-12);
  assert.ok(Math.abs(computePi(10, 3, [100, 300]) - (29 * 10 * 2) / 400) < 1e-12);
});

test('GE prior is the positive fraction among unlabelled pixels', () => {
  const d = decidePrior('GE-binomial', 100, 3, [100_000], 29 * 50, 50);
  const pi = 2900 / 100_000;
  const pObs = 1450 / 100_000;
  assert.equal(d.method, 'GE-binomial');
  assert.ok(Math.abs(d.pi - pi) < 1e-12);
  assert.ok(Math.abs(d.unlabelledPrior - (pi - pObs) / (1 - pObs)) < 1e-12);
  assert.equal(d.notice, undefined);
});

test('switches to PN when expected < mean labelled picks, and says so', () => {
  const d = decidePrior('GE-KL', 40, 3, [100_000, 100_000], 29 * 100, 100);
  assert.equal(d.method, 'PN');
  assert.ok(d.notice?.includes('PN'));
  assert.ok(Math.abs(d.pi - 2900 / 200_000) < 1e-12);
});

test('π above 1 is an error', () => {
  assert.throws(() => decidePrior('PU', 1e6, 3, [1000], 0, 0), /π/);
});
