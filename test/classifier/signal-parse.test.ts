// The series parser of the signal ETL: the fast decimal scanner gives exactly Number()'s double
// for every token it accepts, everything else falls back to Number(), and junk is one located error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeries, scanDecimal } from '../../src/classifier/signal-csv.js';
import { Random } from '../../src/random.js';
import { FormatError } from '../../src/errors.js';

test('scanDecimal equals Number() on every accepted token; other tokens are NaN (fallback)', () => {
  const rng = new Random(4);
  const tokens: string[] = ['0', '-0', '+1', '.5', '5.', '007.250', '1e5', '1E-5', '-2.5e+3', ' 12.5 ', '123456789012345', '0.000000000000000000001234',
    '1234567890123456', '1e23', '1e-23', '0x10', 'NaN', 'Infinity', '', '-', '.', 'e5', '1e', '1.2.3', '12a', '1_000'];
  for (let i = 0; i < 20000; i++) {
    const v = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 12 - 6);
    const f = rng.int(4);
    tokens.push(f === 0 ? v.toFixed(rng.int(8)) : f === 1 ? v.toExponential(rng.int(10)) : f === 2 ? String(v) : v.toPrecision(1 + rng.int(15)));
  }
  let fast = 0;
  for (const t of tokens) {
    const got = scanDecimal(t, 0, t.length);
    if (Number.isNaN(got)) continue;
    fast++;
    assert.ok(Object.is(got, Number(t)), `${JSON.stringify(t)}: ${got} vs ${Number(t)}`);
  }
  assert.ok(fast > 15000, `most tokens take the fast path (${fast})`);
  for (const t of ['', '-', '.', 'e5', '1e', '1.2.3', '12a', 'NaN']) assert.ok(Number.isNaN(scanDecimal(t, 0, t.length)), t);
});

test('parseSeries: fast and fallback tokens, one located error for junk', () => {
  assert.deepEqual([...parseSeries('1.5,-2,3e2, 4 ,0x10,0.1234567890123456789', 'f.csv', 3)], [1.5, -2, 300, 4, 16, 0.1234567890123456789]);
  assert.deepEqual([...parseSeries('7', 'f.csv', 3)], [7]);
  assert.throws(() => parseSeries('1,2,,4', 'f.csv', 9), (e: unknown) => e instanceof FormatError && /f\.csv.*9.*value 3 is ''/.test(e.message));
  assert.throws(() => parseSeries('1,abc', 'f.csv', 2), (e: unknown) => e instanceof FormatError && /value 2 is 'abc', expected a number/.test(e.message));
});
