// Table-driven bad input for every coordinate reader (empty files, non-numeric values, missing
// coordinate columns, wrong value counts, unknown extensions) and all-or-nothing writes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, FormatError } from '../../src/errors.js';
import { FileExistsError } from '../../src/io/atomic-write.js';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { readCoordinates, writeCoordinates } from '../../src/io/coordinate-formats.js';
import { formatNpy, structuredDtype } from '../../src/io/npy.js';

interface BadCase {
  readonly name: string;
  readonly file: string;
  readonly content: string | Uint8Array;
  readonly line?: number;
  readonly byteOffset?: number;
  readonly includes: string;
}

const csGood = formatNpy({
  dtype: structuredDtype([['location/micrograph_shape', '<u4', [2]], ['location/center_x_frac', '<f4'], ['location/center_y_frac', '<f4']]),
  length: 2, columns: new Map([['location/micrograph_shape', [[10, 10], [10, 10]]], ['location/center_x_frac', [0.5, 0.5]], ['location/center_y_frac', [0.5, 0.5]]]),
});
const csWithout = formatNpy({ dtype: structuredDtype([['uid', '<u8']]), length: 1, columns: new Map([['uid', [1n]]]) });

const CASES: readonly BadCase[] = [
  { name: 'empty STAR', file: 'e.star', content: '', line: 1, includes: 'empty file' },
  { name: 'STAR without coordinate columns', file: 'n.star', content: 'data_\nloop_\n_rlnDefocusU\n1\n', line: 1, includes: 'no _rlnCoordinateX/_rlnCoordinateY columns (found columns _rlnDefocusU)' },
  { name: 'STAR non-numeric coordinate', file: 'x.star', content: 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n1 2\nabc 3\n', line: 6, includes: "expected a number in column _rlnCoordinateX, found 'abc'" },
  { name: 'STAR row with too few values', file: 'f.star', content: 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n1\n', line: 5, includes: 'expected 2 values' },
  { name: 'STAR row with too many values', file: 'm.star', content: 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n1 2 3\n', line: 5, includes: 'found 3' },
  { name: 'STAR NaN coordinate', file: 'nan.star', content: 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\nnan 2\n', line: 5, includes: "found 'nan'" },
  { name: 'empty box', file: 'e.box', content: '\n\n', line: 1, includes: 'empty file' },
  { name: 'box with a string', file: 's.box', content: '1 2 10 10\nsixty 3 10 10\n', line: 2, includes: "found 'sixty'" },
  { name: 'box with unequal columns', file: 'u.box', content: '1 2 10 10\n3 4 10 10 0.5\n', line: 2, includes: 'expected 4 values like line 1, found 5' },
  { name: 'box with 3 columns', file: 't.box', content: '1 2 10\n', line: 1, includes: 'found 3' },
  { name: 'box with only x y and no box size', file: 'xy.box', content: '1 2\n', line: 1, includes: '--box-size' },
  { name: 'empty cbox', file: 'e.cbox', content: '', line: 1, includes: 'empty file' },
  { name: 'cbox without data_cryolo', file: 'n.cbox', content: 'data_global\n_cbox_format_version 1.0\n', line: 1, includes: 'data_cryolo' },
  { name: 'cbox with text in a number column', file: 'b.cbox', content: 'data_cryolo\nloop_\n_CoordinateX\n_CoordinateY\n_Width\n_Height\n1 2 x 4\n', line: 7, includes: "column _Width, found 'x'" },
  { name: 'empty Topaz table', file: 'e.txt', content: '', line: 1, includes: 'empty file' },
  { name: 'Topaz table without header', file: 'h.txt', content: 'mic\t1\t2\n', line: 1, includes: 'expected a Topaz header' },
  { name: 'Topaz row too short', file: 'r.txt', content: 'image_name\tx_coord\ty_coord\nmic\t1\n', line: 2, includes: 'expected 3 values' },
  { name: 'Topaz non-numeric score', file: 's.txt', content: 'image_name\tx_coord\ty_coord\tscore\nmic\t1\t2\thigh\n', line: 2, includes: "column score, found 'high'" },
  { name: 'empty CSV', file: 'e.csv', content: '', line: 1, includes: 'empty file' },
  { name: 'CSV without coordinate columns', file: 'n.csv', content: 'a,b,c\n1,2,3\n', line: 1, includes: 'X-Coordinate and Y-Coordinate' },
  { name: 'CSV row with too many fields', file: 'm.csv', content: 'X-Coordinate,Y-Coordinate,Diameter\n1,2,3,4\n', line: 2, includes: 'found 4' },
  { name: 'CSV non-numeric', file: 'x.csv', content: 'X-Coordinate,Y-Coordinate,Diameter\n1,two,3\n', line: 2, includes: "column Y-Coordinate, found 'two'" },
  { name: 'empty .cs', file: 'e.cs', content: new Uint8Array(0), byteOffset: 0, includes: 'empty file' },
  { name: '.cs in the compressed CSDAT format', file: 'z.cs', content: Buffer.concat([Buffer.from([0x94]), Buffer.from('CSDAT\x00\x00')]), byteOffset: 0, includes: 'CSDAT format' },
  { name: '.cs that is not NumPy', file: 'n.cs', content: 'not numpy at all', byteOffset: 0, includes: 'magic' },
  { name: '.cs without location fields', file: 'l.cs', content: csWithout, byteOffset: 0, includes: 'no pick location fields location/center_x_frac' },
  { name: 'truncated .cs', file: 't.cs', content: csGood.subarray(0, csGood.length - 5), byteOffset: csGood.length - 32, includes: 'expected 32 data bytes' },
  { name: 'truncated STAR row', file: 'tr.star', content: 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n_rlnAutopickFigureOfMerit\n1 2 0.5\n3 4', line: 7, includes: 'expected 3 values' },
  { name: 'truncated Topaz table', file: 'tr.txt', content: 'image_name\tx_coord\ty_coord\nm\t1\t2\nm\t3', line: 3, includes: 'found 2' },
  { name: 'unknown extension', file: 'picks.xyz', content: '1 2 3\n', line: 1, includes: "unknown coordinate file extension '.xyz'" },
];

describe('coordinate readers reject bad input with path and place', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'cryopick-bad-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const c of CASES) {
    it(c.name, async () => {
      const path = join(dir, c.file);
      writeFileSync(path, c.content);
      await assert.rejects(readCoordinates(path), (e: unknown) => {
        assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
        assert.equal(e.location.path, path);
        if (c.line !== undefined) assert.equal(e.location.line, c.line, e.message);
        if (c.byteOffset !== undefined) assert.equal(e.location.byteOffset, c.byteOffset, e.message);
        assert.ok(e.message.startsWith(path), e.message);
        assert.ok(e.message.includes(c.includes), e.message);
        return true;
      });
    });
  }
  it('a folder mixing formats asks for --from', async () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'a.box'), '1 2 10 10\n');
    writeFileSync(join(mixed, 'a.star'), 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n1 2\n');
    await assert.rejects(readCoordinates(mixed), /several formats \(box, star\); choose one with --from/);
    assert.equal((await readCoordinates(mixed, { format: 'box' })).length, 1);
  });
  it('a coordinate list that lists itself is an error, not an endless loop', async () => {
    const path = join(dir, 'self.star');
    writeFileSync(path, 'data_coordinate_files\nloop_\n_rlnMicrographName\n_rlnMicrographCoordinates\nm.mrc self.star\n');
    await assert.rejects(readCoordinates(path), /self\.star line 5: is a coordinate-file list itself/);
  });
  it('permissive mode reads what it can and reports warnings with their files', async () => {
    const path = join(dir, 'perm.box');
    writeFileSync(path, '1 2 10 10\n3 4 10\n5 6 10 10\n');
    const warnings: string[] = [];
    const picks = await readCoordinates(path, { permissive: true, onWarning: (w) => warnings.push(`${w.path}:${w.line}`) });
    assert.equal(picks[0]?.particles.length, 2);
    assert.deepEqual(warnings, [`${path}:2`]);
  });
});

describe('coordinate writers leave no partial output', () => {
  const picks = [
    { micrograph: 'a', frame: ORIGINAL_FRAME, particles: [{ x: 10, y: 10, diameter: 20 }] },
    { micrograph: 'b', frame: ORIGINAL_FRAME, particles: [{ x: 10, y: 10 }] },
  ];
  it('a missing box size fails before any file is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cryopick-partial-'));
    try {
      await assert.rejects(writeCoordinates(join(dir, 'out/'), picks, 'box'), ConfigError);
      assert.equal(existsSync(join(dir, 'out')), false);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
  it('one existing target stops the whole write; overwrite replaces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cryopick-partial-'));
    try {
      writeFileSync(join(dir, 'b.box'), 'old\n');
      await assert.rejects(writeCoordinates(`${dir}/`, picks, 'box', { boxSize: 20 }), FileExistsError);
      assert.deepEqual(readdirSync(dir), ['b.box']);
      const written = await writeCoordinates(`${dir}/`, picks, 'box', { boxSize: 20, overwrite: true });
      assert.equal(written.length, 2);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
  it('.cs output without micrograph sizes and star-particles without a pixel size are ConfigErrors', async () => {
    await assert.rejects(writeCoordinates(join(tmpdir(), 'never.cs'), picks, 'cs'), ConfigError);
    await assert.rejects(writeCoordinates(join(tmpdir(), 'never.star'), picks, 'star-particles'), ConfigError);
    assert.equal(existsSync(join(tmpdir(), 'never.cs')), false);
  });
});
