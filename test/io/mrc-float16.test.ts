// Half-precision conversion (MRC mode 12): exact decoding of every bit pattern and
// round-to-nearest-even encoding, checked against the full decoding table as an oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { floatToHalf, halfToFloat, halfTable } from '../../src/io/mrc-float16.js';

test('known half-precision values decode exactly', () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x0400), 2 ** -14);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(halfToFloat(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.ok(Object.is(halfToFloat(0x8000), -0));
});

test('every finite bit pattern survives decode → encode', () => {
  const t = halfTable();
  for (let h = 0; h < 65536; h++) {
    if (((h >> 10) & 0x1f) === 0x1f) continue;
    assert.equal(floatToHalf(t[h] ?? NaN), h, `pattern ${h.toString(16)}`);
  }
});

test('encoding picks the nearest representable value, ties to even (property)', () => {
  // Sorted non-negative finite halves are 0x0000..0x7bff in increasing order.
  fc.assert(
    fc.property(fc.double({ min: -65519, max: 65519, noNaN: true }), (x) => {
      const v = Math.fround(x);
      const h = floatToHalf(v);
      const got = halfToFloat(h);
      const mag = h & 0x7fff;
      const sign = h & 0x8000;
      for (const n of [mag - 1, mag + 1]) {
        if (n < 0 || n > 0x7bff) continue;
        const other = halfToFloat(sign | n);
        const dGot = Math.abs(v - got);
        const dOther = Math.abs(v - other);
        assert.ok(dGot <= dOther, `${v}: chose ${got}, ${other} is closer`);
        if (dGot === dOther) assert.equal(mag & 1, 0, `${v}: tie must go to the even pattern`);
      }
    }),
    { numRuns: 5000 },
  );
});

test('overflow becomes infinity and tiny values become signed zero', () => {
  assert.equal(floatToHalf(1e6), 0x7c00);
  assert.equal(floatToHalf(-1e6), 0xfc00);
  assert.equal(floatToHalf(65520), 0x7c00); // exactly halfway to 2^16 rounds up to infinity
  assert.equal(floatToHalf(1e-10), 0);
  assert.equal(floatToHalf(-1e-10), 0x8000);
  assert.equal(floatToHalf(Number.NaN) & 0x7c00, 0x7c00);
});
