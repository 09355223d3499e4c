// .npy structured arrays: header literal parsing, every supported field kind in both byte orders,
// string and fixed-size array fields, a hand-built big-endian file, and located errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import { formatNpy, parseNpy, structuredDtype, type NpyCell } from '../../src/io/npy.js';
import { parsePyLiteral, parseScalarType } from '../../src/io/npy-header.js';

describe('npy header', () => {
  it('parses the Python literal of a structured header', () => {
    const v = parsePyLiteral("{'descr': [('uid', '<u8'), ('location/micrograph_shape', '<u4', (2,))], 'fortran_order': False, 'shape': (3,), }");
    assert.deepEqual(v, { descr: [['uid', '<u8'], ['location/micrograph_shape', '<u4', [2]]], fortran_order: false, shape: [3] });
  });
  it('parses dtype strings of both byte orders and rejects pickled objects', () => {
    assert.deepEqual(parseScalarType('>i2'), { kind: 'i', itemSize: 2, littleEndian: false });
    assert.deepEqual(parseScalarType('<U5'), { kind: 'U', itemSize: 20, littleEndian: true });
    assert.deepEqual(parseScalarType('|S61'), { kind: 'S', itemSize: 61, littleEndian: true });
    assert.throws(() => parseScalarType('|O'), /object/);
  });
});

describe('npy round trip', () => {
  for (const order of ['<', '>'] as const) {
    it(`writes and reads every field kind (${order === '<' ? 'little' : 'big'} endian)`, () => {
      const dtype = structuredDtype([
        ['uid', `${order}u8`], ['i1', '|i1'], ['i2', `${order}i2`], ['i4', `${order}i4`], ['i8', `${order}i8`], ['u1', '|u1'], ['u2', `${order}u2`],
        ['f4', `${order}f4`], ['f8', `${order}f8`], ['ok', '|b1'], ['path', '|S12'], ['name', `${order}U4`], ['shape', `${order}u4`, [2]], ['m', `${order}f8`, [2, 2]],
      ]);
      const columns = new Map<string, NpyCell[]>([
        ['uid', [18446744073709551615n, 0n]], ['i1', [-128, 127]], ['i2', [-32768, 5]], ['i4', [-2147483648, 7]], ['i8', [-9223372036854775808n, 3n]],
        ['u1', [255, 0]], ['u2', [65535, 1]], ['f4', [1.5, -0.25]], ['f8', [Math.PI, -1e300]], ['ok', [true, false]],
        ['path', ['J1/mic.mrc', '']], ['name', ['αβγδ', 'x']], ['shape', [[4092, 5760], [1, 2]]], ['m', [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]],
      ]);
      const back = parseNpy(formatNpy({ dtype, length: 2, columns }));
      assert.equal(back.length, 2);
      for (const [k, v] of columns) assert.deepEqual(back.columns.get(k), v, k);
    });
  }

  it('round-trips random float32/uint32/string tables (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({
      f: fc.float({ noNaN: true }),
      u: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      s: fc.stringMatching(/^[a-z0-9/_.]{0,16}$/),
    }), { maxLength: 40 }), fc.boolean(), (rows, little) => {
      const o = little ? '<' : '>';
      const dtype = structuredDtype([['f', `${o}f4`], ['u', `${o}u4`, [2]], ['s', '|S16']]);
      const columns = new Map<string, NpyCell[]>([['f', rows.map((r) => r.f)], ['u', rows.map((r) => [r.u, r.u >>> 1])], ['s', rows.map((r) => r.s)]]);
      const back = parseNpy(formatNpy({ dtype, length: rows.length, columns }));
      assert.deepEqual(back.columns.get('f'), rows.map((r) => (Object.is(r.f, -0) ? -0 : r.f)));
      assert.deepEqual(back.columns.get('u'), columns.get('u'));
      assert.deepEqual(back.columns.get('s'), columns.get('s'));
    }), { numRuns: 50 });
  });

  it('reads a hand-built big-endian version 2.0 file byte for byte', () => {
    const header = "{'descr': [('a', '>i4'), ('b', '>f8')], 'fortran_order': False, 'shape': (1,), }";
    const padded = header.padEnd(64 - 12 - 1) + '\n';
    const head = Buffer.alloc(12);
    head.write('\x93NUMPY', 0, 'latin1');
    head[6] = 2;
    head.writeUInt32LE(padded.length, 8);
    const body = Buffer.alloc(12);
    body.writeInt32BE(-7, 0);
    body.writeDoubleBE(2.5, 4);
    const t = parseNpy(Buffer.concat([head, Buffer.from(padded, 'latin1'), body]));
    assert.deepEqual(t.columns.get('a'), [-7]);
    assert.deepEqual(t.columns.get('b'), [2.5]);
  });
});

describe('npy errors', () => {
  const good = formatNpy({ dtype: structuredDtype([['x', '<f4']]), length: 3, columns: new Map([['x', [1, 2, 3]]]) });
  const cases: readonly { name: string; bytes: Uint8Array; offset: number; includes: string }[] = [
    { name: 'wrong magic', bytes: Buffer.from('hello world, not numpy'), offset: 0, includes: 'magic' },
    { name: 'truncated data', bytes: good.subarray(0, good.length - 2), offset: good.length - 12, includes: 'expected 12 data bytes' },
    { name: 'blank header', bytes: Buffer.from(good).fill(0x20, 10, 63), offset: 10, includes: 'bad .npy header' },
  ];
  for (const c of cases) {
    it(`${c.name} → FormatError at byte ${c.offset}`, () => {
      assert.throws(() => parseNpy(c.bytes, 'x.cs'), (e: unknown) => {
        assert.ok(e instanceof FormatError, String(e));
        assert.equal(e.location.byteOffset, c.offset);
        assert.ok(e.message.includes(c.includes), e.message);
        return true;
      });
    });
  }
  it('names the pickle problem for object (O) fields', () => {
    const header = "{'descr': [('p', '|O')], 'fortran_order': False, 'shape': (0,), }".padEnd(53) + '\n';
    const head = Buffer.alloc(10);
    head.write('\x93NUMPY', 0, 'latin1');
    head[6] = 1;
    head.writeUInt16LE(header.length, 8);
    assert.throws(() => parseNpy(Buffer.concat([head, Buffer.from(header, 'latin1')]), 'o.cs'), /pickle/);
  });
});
