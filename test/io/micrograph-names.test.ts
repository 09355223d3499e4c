// Micrograph name matching: folders, extensions, case, picker suffixes, ambiguity, and the
// mismatch report that lists every unmatched name.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeNameMismatch, matchKey, matchMicrographNames } from '../../src/io/micrograph-names.js';

describe('matchKey', () => {
  const cases: readonly [string, string][] = [
    ['MotionCorr/job002/Movies/Mic_001.mrc', 'mic_001'],
    ['mic_001_autopick.star', 'mic_001'],
    ['C:\\data\\mic_001.mrc.gz', 'mic_001'],
    ['mic_001.tiff', 'mic_001'],
    ['autopick', 'autopick'],
  ];
  for (const [name, key] of cases) it(`${name} → ${key}`, () => assert.equal(matchKey(name), key));
});

describe('matchMicrographNames', () => {
  it('matches with and without folders, extensions and suffixes; reports the rest', () => {
    const m = matchMicrographNames(
      ['Movies/mic_001.mrc', 'mic_002_autopick', 'TcdA1-0018_frames', 'stray_name', 'MIC_004.TIF'],
      ['/data/mic_001.mrc', '/data/mic_002.mrc', '/data/TcdA1-0018_frames_sum.mrc', '/data/mic_004.tif', '/data/mic_005.mrc'],
    );
    assert.deepEqual([...m.matched], [
      ['Movies/mic_001.mrc', '/data/mic_001.mrc'],
      ['mic_002_autopick', '/data/mic_002.mrc'],
      ['MIC_004.TIF', '/data/mic_004.tif'],
      ['TcdA1-0018_frames', '/data/TcdA1-0018_frames_sum.mrc'],
    ]);
    assert.deepEqual(m.unmatchedCoordinates, ['stray_name']);
    assert.deepEqual(m.unmatchedMicrographs, ['/data/mic_005.mrc']);
    const report = describeNameMismatch(m);
    assert.match(report, /1 coordinate micrograph name\(s\) match no micrograph: stray_name/);
    assert.match(report, /1 micrograph\(s\) have no coordinates: \/data\/mic_005.mrc/);
  });
  it('does not confuse mic_1 with mic_10 and flags ambiguous names', () => {
    const m = matchMicrographNames(['mic_1', 'a'], ['mic_10.mrc', 'a_x.mrc', 'a_y.mrc']);
    assert.equal(m.matched.has('mic_1'), false);
    assert.deepEqual(m.ambiguous, ['a']);
    assert.deepEqual(m.unmatchedCoordinates, ['mic_1']);
    assert.match(describeNameMismatch(m), /match several micrographs: a/);
  });
  it('reports nothing when every name matches', () => {
    assert.equal(describeNameMismatch(matchMicrographNames(['x.star'], ['x.mrc'])), '');
  });
  it('lists at most `limit` names and counts the rest', () => {
    const m = matchMicrographNames(Array.from({ length: 25 }, (_, i) => `c${i}`), []);
    assert.match(describeNameMismatch(m, 3), /c0, c1, c2, \.\.\. \(22 more\)/);
  });
});
