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

test('streamSignalRows: lines split on the bytes across 1 MB chunks, CRLF, blank lines, quoted rows, lazy series', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { streamSignalRows } = await import('../../src/classifier/signal-csv.js');
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-rows-'));
  try {
    const rng = new Random(9);
    const want: { id: string; cls: string; series: string }[] = [];
    const lines = ['\uFEFFread_id,cap_class,timeseries'];
    for (let i = 0; i < 900; i++) {
      const series = Array.from({ length: 200 + rng.int(600) }, () => (rng.next() * 200 - 100).toFixed(3)).join(',');
      const id = `r${i}`;
      const cls = `cap_${i % 3}`;
      want.push({ id, cls, series });
      lines.push(i % 7 === 0 ? `"${id}",${cls},"${series}"` : i % 5 === 0 ? `${id}, ${cls} ,"${series}"` : `${id},${cls},${series}`);
      if (i % 50 === 0) lines.push('   ');
    }
    const path = join(dir, 'a.csv');
    writeFileSync(path, lines.join('\r\n'));
    const got: { id: string; cls: string; series: string; line: number }[] = [];
    let bytes = 0;
    const n = await streamSignalRows(path, (r) => { got.push({ id: r.readId, cls: r.capClass, series: r.series, line: r.line }); }, (c) => { bytes += c.length; });
    assert.equal(n, 900);
    assert.ok(bytes > 2 ** 21, 'several chunks');
    assert.deepEqual(got.map(({ id, cls, series }) => ({ id, cls, series })), want);
    assert.equal(got[1]?.line, 4, 'line numbers count every line (header, row 0, a blank line, row 1)');
    // a row with a missing field names its line
    writeFileSync(path, 'read_id,cap_class,timeseries\nr1,c,1,2\nr2,c\n');
    await assert.rejects(streamSignalRows(path, () => {}), (e: unknown) => e instanceof FormatError && /a\.csv.*3.*expected read_id, cap_class and timeseries, found 'r2,c'/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
