// Tests for the any-length DFT wrapper: every plan is compared with a direct O(n²) sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PartialDft, RealRowDft } from '../../src/image/fft.js';

function directDft(x: Float64Array, n: number, k: number, sign: number): [number, number] {
  let re = 0;
  let im = 0;
  for (let j = 0; j < n; j++) {
    const a = (sign * 2 * Math.PI * j * k) / n;
    re += x[2 * j]! * Math.cos(a) - x[2 * j + 1]! * Math.sin(a);
    im += x[2 * j]! * Math.sin(a) + x[2 * j + 1]! * Math.cos(a);
  }
  return [re, im];
}

function randomComplex(n: number, seed: number): Float64Array {
  const x = new Float64Array(2 * n);
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = s / 2147483648 - 0.5;
  }
  return x;
}

test('PartialDft matches the direct sum for power-of-two and other lengths, both signs', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 70 }), fc.integer({ min: -80, max: 80 }), fc.integer({ min: 1, max: 70 }),
      fc.constantFrom(-1 as const, 1 as const), fc.integer({ min: 0, max: 1000 }),
      (n, first, countRaw, sign, seed) => {
        const count = Math.min(countRaw, n);
        const x = randomComplex(n, seed);
        const out = new Float64Array(2 * count);
        new PartialDft(n, first, count, sign).transform(x, out);
        for (let j = 0; j < count; j++) {
          const [re, im] = directDft(x, n, first + j, sign);
          assert.ok(Math.abs(out[2 * j]! - re) < 1e-9 * n && Math.abs(out[2 * j + 1]! - im) < 1e-9 * n,
            `n=${n} k=${first + j}: got ${out[2 * j]},${out[2 * j + 1]} expected ${re},${im}`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('PartialDft of a large non-power-of-two length stays accurate (chirp phases reduced mod 2n)', () => {
  const n = 5760;
  const x = randomComplex(n, 7);
  const out = new Float64Array(2 * 9);
  new PartialDft(n, -4, 9).transform(x, out);
  for (let j = 0; j < 9; j++) {
    const [re, im] = directDft(x, n, j - 4, -1);
    assert.ok(Math.abs(out[2 * j]! - re) < 1e-8 && Math.abs(out[2 * j + 1]! - im) < 1e-8);
  }
});

test('RealRowDft gives the first bins of real rows, in pairs and alone', () => {
  for (const n of [1, 2, 3, 4, 5, 8, 12, 15, 16, 31, 64]) {
    const bins = Math.floor(n / 2) + 1;
    const rows = new Float32Array(2 * n).map((_, i) => Math.sin(i * 0.77) + (i % 3));
    const dft = new RealRowDft(n, bins);
    const a = new Float64Array(2 * bins);
    const b = new Float64Array(2 * bins);
    dft.transform(rows, 0, 1, a, 0, b, 0);
    const single = new Float64Array(2 * bins);
    dft.transform(rows, 1, undefined, single, 0, undefined, 0);
    for (const [row, got] of [[0, a], [1, b], [1, single]] as const) {
      const x = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) x[2 * i] = rows[row * n + i]!;
      for (let k = 0; k < bins; k++) {
        const [re, im] = directDft(x, n, k, -1);
        assert.ok(Math.abs(got[2 * k]! - re) < 1e-6 && Math.abs(got[2 * k + 1]! - im) < 1e-6, `n=${n} row ${row} k=${k}`);
      }
    }
  }
});
