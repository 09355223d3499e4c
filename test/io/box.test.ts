// EMAN .box: corner ↔ centre, box size from the file or the caller, optional score column.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { formatBox, parseBox } from '../../src/io/box.js';

describe('EMAN box', () => {
  it('reads corners as centre = corner + size/2, size as diameter, a 5th column as score', () => {
    const { picks } = parseBox('100\t200\t64\t64\n  10 20 64 64  \n', { path: 'd/mic_7.box' });
    assert.equal(picks[0]?.micrograph, 'mic_7');
    assert.deepEqual(picks[0]?.particles, [{ x: 132, y: 232, diameter: 64 }, { x: 42, y: 52, diameter: 64 }]);
    assert.deepEqual(parseBox('0 0 10 10 -2.5\n').picks[0]?.particles, [{ x: 5, y: 5, score: -2.5, diameter: 10 }]);
  });
  it('two-column files need the box size; zero-size boxes are centres', () => {
    assert.deepEqual(parseBox('10 20\n', { boxSize: 100 }).picks[0]?.particles, [{ x: 60, y: 70, diameter: 100 }]);
    assert.deepEqual(parseBox('10 20 0 0\n').picks[0]?.particles, [{ x: 10, y: 20 }]);
  });
  it('writes corners with the box size (given, or the diameter) and a score column when scored', () => {
    assert.equal(formatBox([{ x: 132, y: 232, score: 1.25 }, { x: 10.5, y: 0 }], { boxSize: 64 }), '100\t200\t64\t64\t1.25\n-21.5\t-32\t64\t64\tnan\n');
    assert.equal(formatBox([{ x: 50, y: 50, diameter: 20 }]), '40\t40\t20\t20\n');
    assert.throws(() => formatBox([{ x: 1, y: 1 }]), ConfigError);
  });
});
