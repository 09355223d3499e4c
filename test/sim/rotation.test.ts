// Tests of rotations (uniform on SO(3)) and point-group operators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimRandom } from '../../src/sim/_random.js';
import { axisAngle, compose, randomRotation, rotatePoints, type Rotation } from '../../src/sim/rotation.js';
import { symmetryOperators } from '../../src/sim/symmetry.js';

function det(r: Rotation): number {
  return r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
}

function assertOrthonormal(r: Rotation): void {
  const t = compose(r, [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]]);
  const id = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  t.forEach((v, i) => assert.ok(Math.abs(v - id[i]!) < 1e-9, `R·Rᵀ[${i}] = ${v}`));
  assert.ok(Math.abs(det(r) - 1) < 1e-9);
}

test('random rotations are proper rotations', () => {
  const rng = new SimRandom(5);
  for (let i = 0; i < 200; i++) assertOrthonormal(randomRotation(rng));
});

test('random rotations are uniform on SO(3): E[R] = 0 and rotated axes are uniform on the sphere', () => {
  const rng = new SimRandom(11);
  const n = 20000;
  const mean = new Array<number>(9).fill(0);
  let zz2 = 0;
  for (let i = 0; i < n; i++) {
    const r = randomRotation(rng);
    r.forEach((v, k) => (mean[k]! += v / n));
    zz2 += r[8] * r[8];
  }
  // Haar measure: every entry has mean 0 and variance 1/3
  for (const m of mean) assert.ok(Math.abs(m) < 0.02, `mean entry ${m}`);
  assert.ok(Math.abs(zz2 / n - 1 / 3) < 0.01, `E[R33²] = ${zz2 / n}`);
  // a biased sampler (e.g. uniform Euler angles) fails this: check the tilt histogram is flat in cos
  const bins = new Array<number>(10).fill(0);
  for (let i = 0; i < n; i++) {
    const r = randomRotation(rng);
    bins[Math.min(9, Math.floor(((r[8] + 1) / 2) * 10))]! += 1;
  }
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < 0.08 * (n / 10), `cos-tilt bin ${b}`);
});

test('axisAngle rotates as expected', () => {
  const r = axisAngle(0, 0, 1, Math.PI / 2);
  const p = rotatePoints(r, Float32Array.from([1, 0, 0]));
  assert.ok(Math.abs(p[0]!) < 1e-6 && Math.abs(p[1]! - 1) < 1e-6 && Math.abs(p[2]!) < 1e-6);
  assert.throws(() => axisAngle(0, 0, 0, 1), RangeError);
});

test('point groups have the right orders and closed operator sets', () => {
  const orders: Record<string, number> = { C1: 1, C6: 6, C7: 7, D2: 4, D7: 14, T: 12, O: 24, I: 60 };
  for (const [g, n] of Object.entries(orders)) {
    const ops = symmetryOperators(g);
    assert.equal(ops.length, n, g);
    ops.forEach(assertOrthonormal);
  }
  assert.throws(() => symmetryOperators('X5'), RangeError);
});
