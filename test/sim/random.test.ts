// Tests of the simulator's seedable random numbers: determinism, ranges and moments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimRandom } from '../../src/sim/_random.js';

test('the same seed and label give the same stream; different ones differ', () => {
  const a = new SimRandom(42, 'x');
  const b = new SimRandom(42, 'x');
  const c = new SimRandom(43, 'x');
  const d = new SimRandom(42, 'y');
  const sa = Array.from({ length: 20 }, () => a.nextUint32());
  assert.deepEqual(sa, Array.from({ length: 20 }, () => b.nextUint32()));
  assert.notDeepEqual(sa, Array.from({ length: 20 }, () => c.nextUint32()));
  assert.notDeepEqual(sa, Array.from({ length: 20 }, () => d.nextUint32()));
});

test('uniform values lie in [0, 1) with mean 1/2 and variance 1/12', () => {
  const r = new SimRandom(7);
  const n = 200000;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    sum2 += u * u;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  assert.ok(Math.abs(sum2 / n - (sum / n) ** 2 - 1 / 12) < 0.002);
});

test('normal() and fillNormal() have mean 0 and variance 1', () => {
  const r = new SimRandom(9);
  const buf = new Float64Array(200001);
  r.fillNormal(buf);
  for (const values of [buf, Float64Array.from({ length: 100000 }, () => r.normal())]) {
    let sum = 0;
    let sum2 = 0;
    for (const v of values) {
      assert.ok(Number.isFinite(v));
      sum += v;
      sum2 += v * v;
    }
    const mean = sum / values.length;
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(sum2 / values.length - mean * mean - 1) < 0.02);
  }
});

test('poisson() has the requested mean for small and large means', () => {
  const r = new SimRandom(3);
  for (const mean of [0.6, 5, 60]) {
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += r.poisson(mean);
    assert.ok(Math.abs(sum / n - mean) < 0.05 * mean + 0.02, `mean ${mean}: got ${sum / n}`);
  }
  assert.equal(r.poisson(0), 0);
});

test('shuffled() is a permutation and leaves the input alone', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const s = new SimRandom(1).shuffled(items);
  assert.deepEqual([...s].sort((a, b) => a - b), items);
  assert.notDeepEqual(s, items);
  assert.equal(items[0], 0);
});

test('a non-finite seed is rejected', () => {
  assert.throws(() => new SimRandom(Number.NaN), RangeError);
});
