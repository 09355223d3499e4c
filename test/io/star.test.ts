// STAR parser/writer: blocks, key-value pairs, loops, quotes, comments after labels, empty loops,
// mixed tabs/spaces, located errors for bad rows, permissive mode, and write → parse round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import { formatStar, parseStar, starColumn, starValue, type StarFile, type StarLoop } from '../../src/io/star.js';

const MULTI = [
  '# version 30001',
  '',
  'data_general',
  '',
  '_three                             3',
  "_greeting                          'hello world'",
  '_quoted_hash "a # not a comment"',
  '',
  'data_particles',
  '',
  'loop_ ',
  '_rlnCoordinateX #1 ',
  '_rlnMtfFileName #2 [Modulation Transfer Function]',
  '_rlnAutopickFigureOfMerit  #3',
  '1.5\tmtf.star    0.25 # trailing comment',
  ' 2.5   "with space.star"\t-1',
  '',
  'data_empty',
  'loop_',
  '_rlnCoordinateX',
  '_rlnCoordinateY',
  '',
  'data_',
  'loop_',
  '_a',
  '_b',
  '1 2',
].join('\n');

describe('parseStar', () => {
  const { file } = parseStar(MULTI, { path: 'multi.star' });
  it('reads every data block with its name (including the empty name)', () => {
    assert.deepEqual(file.blocks.map((b) => b.name), ['general', 'particles', 'empty', '']);
  });
  it('reads key-value pairs, quoted values and # inside quotes', () => {
    const g = file.blocks[0]!;
    assert.equal(starValue(g, '_three'), '3');
    assert.equal(starValue(g, 'greeting'), 'hello world');
    assert.equal(starValue(g, 'quoted_hash'), 'a # not a comment');
  });
  it('ignores comments after labels and after values, splits on tabs and spaces, keeps quoted cells', () => {
    const loop = file.blocks[1]!.loops[0]!;
    assert.deepEqual(loop.labels, ['rlnCoordinateX', 'rlnMtfFileName', 'rlnAutopickFigureOfMerit']);
    assert.deepEqual(loop.rows, [['1.5', 'mtf.star', '0.25'], ['2.5', 'with space.star', '-1']]);
    assert.deepEqual(loop.rowLines, [15, 16]);
    assert.equal(starColumn(loop, '_rlnAutopickFigureOfMerit'), 2);
  });
  it('reads an empty loop as labels without rows', () => {
    const loop = file.blocks[2]!.loops[0]!;
    assert.deepEqual(loop.labels, ['rlnCoordinateX', 'rlnCoordinateY']);
    assert.equal(loop.rows.length, 0);
  });
  it('reads a file ending without a newline, and CRLF line ends', () => {
    const { file: f } = parseStar('data_\r\nloop_\r\n_x #1 \r\n_y #2\r\n1\t2\r\n3 4');
    assert.deepEqual(f.blocks[0]!.loops[0]!.rows, [['1', '2'], ['3', '4']]);
  });
  it('reads a ; text field as a key value', () => {
    const { file: f } = parseStar('data_x\n_note\n;line one\nline two\n;\n_after 1\n');
    assert.equal(starValue(f.blocks[0]!, 'note'), 'line one\nline two');
    assert.equal(starValue(f.blocks[0]!, 'after'), '1');
  });
});

const BAD: readonly { name: string; text: string; line: number; includes: string }[] = [
  { name: 'too few values', text: 'data_\nloop_\n_a\n_b\n1 2\n3\n', line: 6, includes: 'expected 2 values (_a _b), found 1' },
  { name: 'too many values', text: 'data_\nloop_\n_a\n_b\n1 2 3\n', line: 5, includes: 'found 3' },
  { name: 'unterminated quote', text: "data_\n_k 'abc\n", line: 2, includes: 'unterminated' },
  { name: 'data before a block', text: '_k 1\n', line: 1, includes: 'before the first data_' },
  { name: 'key without value', text: 'data_\n_k\n', line: 2, includes: 'has no value' },
  { name: 'loop without labels', text: 'data_\nloop_\n1 2\n', line: 3, includes: 'no column labels' },
  { name: 'stray value', text: 'data_\n_k 1\nstray\n', line: 3, includes: 'not in a loop' },
];

describe('parseStar errors', () => {
  for (const c of BAD) {
    it(`${c.name} → FormatError with path and line ${c.line}`, () => {
      assert.throws(() => parseStar(c.text, { path: 'bad.star' }), (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.equal(e.location.path, 'bad.star');
        assert.equal(e.location.line, c.line);
        assert.ok(e.message.includes(c.includes), e.message);
        assert.ok(e.message.startsWith(`bad.star line ${c.line}:`), e.message);
        return true;
      });
    });
  }
  it('permissive mode skips short rows and trims long ones, with warnings', () => {
    const r = parseStar('data_\nloop_\n_a\n_b\n1 2\n3\n4 5 6\n', { permissive: true });
    assert.deepEqual(r.file.blocks[0]!.loops[0]!.rows, [['1', '2'], ['4', '5']]);
    assert.deepEqual(r.warnings.map((w) => w.line), [6, 7]);
  });
});

describe('formatStar', () => {
  it('round-trips random blocks, pairs and loops, quoting values that need it', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
    const value = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._@/-]{1,12}$/), fc.constant('two words'), fc.constant("it's"),
      fc.constant('_under'), fc.constant('#hash'), fc.constant(''), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String));
    const loopArb = fc.integer({ min: 1, max: 4 }).chain((n) => fc.record({
      labels: fc.uniqueArray(word, { minLength: n, maxLength: n }),
      rows: fc.array(fc.array(value, { minLength: n, maxLength: n }), { maxLength: 5 }),
    }));
    const blockArb = fc.record({
      name: fc.oneof(fc.constant(''), word),
      pairs: fc.uniqueArray(fc.record({ key: word, value }), { selector: (p) => p.key, maxLength: 3 }),
      loops: fc.array(loopArb, { maxLength: 2 }),
    });
    fc.assert(fc.property(fc.array(blockArb, { minLength: 1, maxLength: 3 }), (blocks) => {
      const file: StarFile = {
        blocks: blocks.map((b) => ({
          name: b.name, line: 0,
          pairs: b.pairs.map((p) => ({ ...p, line: 0 })),
          loops: b.loops.filter((l) => l.labels.length === (l.rows[0]?.length ?? l.labels.length))
            .map((l): StarLoop => ({ labels: l.labels, rows: l.rows, line: 0, rowLines: [] })),
        })),
      };
      const back = parseStar(formatStar(file, { headerComment: 'version 30001' })).file;
      assert.equal(back.blocks.length, file.blocks.length);
      file.blocks.forEach((b, i) => {
        const r = back.blocks[i]!;
        assert.equal(r.name, b.name);
        assert.deepEqual(r.pairs.map((p) => [p.key, p.value]), b.pairs.map((p) => [p.key, p.value]));
        assert.deepEqual(r.loops.map((l) => [l.labels, l.rows]), b.loops.map((l) => [l.labels, l.rows]));
      });
    }), { numRuns: 100 });
  });
});
