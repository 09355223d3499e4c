// crYOLO .cbox: corners + Width/2, <NA>, Confidence and EstWidth/EstHeight (the estimated box), and what we write reads back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCbox, parseCbox } from '../../src/io/cbox.js';
import { parseStar, starValue } from '../../src/io/star.js';

describe('crYOLO cbox', () => {
  it('writes data_global with the format version and a data_cryolo loop with <NA> for unknowns', () => {
    const text = formatCbox([{ x: 100, y: 200, score: 0.9, diameter: 150 }, { x: 50, y: 60 }], { boxSize: 200 });
    const { file } = parseStar(text);
    assert.equal(starValue(file.blocks[0]!, 'cbox_format_version'), '1.0');
    const loop = file.blocks[1]!.loops[0]!;
    assert.equal(loop.labels.length, 11);
    assert.deepEqual(loop.rows[0], ['0.000000', '100.000000', '<NA>', '200.000000', '200.000000', '<NA>', '150.000000', '150.000000', '0.9', '<NA>', '<NA>']);
    assert.deepEqual(loop.rows[1]?.slice(6, 9), ['<NA>', '<NA>', '<NA>']);
    // _EstWidth / _EstHeight read back as the estimated box (width, height) too.
    assert.deepEqual(parseCbox(text).picks[0]?.particles, [{ x: 100, y: 200, score: 0.9, diameter: 150, width: 150, height: 150 }, { x: 50, y: 60, diameter: 200 }]);
  });
  it('uses the given box size when _Width is <NA>', () => {
    const text = 'data_cryolo\nloop_\n_CoordinateX\n_CoordinateY\n_Width\n_Confidence\n10 20 <NA> 0.5\n';
    assert.deepEqual(parseCbox(text, { boxSize: 40 }).picks[0]?.particles, [{ x: 30, y: 40, score: 0.5, diameter: 40 }]);
    assert.throws(() => parseCbox(text, { path: 'p.cbox' }), /p\.cbox line 7: _Width is <NA>/);
  });
});
