// cryoSPARC .cs: the fractional convention (x_px = frac·W, y_px = frac·H with shape = [H, W]),
// the fields we write, grouping by micrograph path, and files with uid instead of path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { formatCryosparcCs, parseCryosparcCs } from '../../src/io/cryosparc-cs.js';
import { formatNpy, parseNpy, structuredDtype } from '../../src/io/npy.js';

describe('cryoSPARC .cs', () => {
  it('writes the pick fields with micrograph_shape = [H, W] and fractions of W and H', () => {
    const bytes = formatCryosparcCs([{ micrograph: 'J1/mic.mrc', frame: ORIGINAL_FRAME, width: 5760, height: 4092, particles: [{ x: 2880, y: 1023, score: 0.5 }] }]);
    const t = parseNpy(bytes);
    assert.deepEqual(t.dtype.fields.map((f) => f.name), ['uid', 'location/micrograph_uid', 'location/exp_group_id', 'location/micrograph_path',
      'location/micrograph_shape', 'location/center_x_frac', 'location/center_y_frac', 'pick_stats/ncc_score']);
    assert.deepEqual(t.columns.get('location/micrograph_shape'), [[4092, 5760]]);
    assert.deepEqual(t.columns.get('location/center_x_frac'), [0.5]);
    assert.deepEqual(t.columns.get('location/center_y_frac'), [0.25]);
    assert.deepEqual(t.columns.get('location/micrograph_path'), ['J1/mic.mrc']);
  });
  it('reads a big-endian table with U strings, grouped by path, with width/height from the shape', () => {
    const dtype = structuredDtype([['location/micrograph_path', '>U8'], ['location/micrograph_shape', '>u4', [2]],
      ['location/center_x_frac', '>f4'], ['location/center_y_frac', '>f4'], ['pick_stats/ncc_score', '>f4']]);
    const columns = new Map([
      ['location/micrograph_path', ['a.mrc', 'b.mrc', 'a.mrc']], ['location/micrograph_shape', [[100, 200], [50, 40], [100, 200]]],
      ['location/center_x_frac', [0.5, 0.25, 0]], ['location/center_y_frac', [0.5, 0.5, 1]], ['pick_stats/ncc_score', [1, 2, NaN]],
    ]);
    const { picks } = parseCryosparcCs(formatNpy({ dtype, length: 3, columns }));
    assert.deepEqual(picks, [
      { micrograph: 'a.mrc', frame: ORIGINAL_FRAME, width: 200, height: 100, particles: [{ x: 100, y: 50, score: 1 }, { x: 0, y: 100 }] },
      { micrograph: 'b.mrc', frame: ORIGINAL_FRAME, width: 40, height: 50, particles: [{ x: 10, y: 25, score: 2 }] },
    ]);
  });
  it('names micrographs by uid when there is no path, and rejects a zero shape', () => {
    const dtype = structuredDtype([['location/micrograph_uid', '<u8'], ['location/micrograph_shape', '<u4', [2]], ['location/center_x_frac', '<f4'], ['location/center_y_frac', '<f4']]);
    const make = (shape: number[]) => formatNpy({ dtype, length: 1, columns: new Map<string, (bigint | number | number[])[]>([
      ['location/micrograph_uid', [12345678901234567890n]], ['location/micrograph_shape', [shape]], ['location/center_x_frac', [0.5]], ['location/center_y_frac', [0.5]]]) });
    assert.equal(parseCryosparcCs(make([10, 10])).picks[0]?.micrograph, '12345678901234567890');
    assert.throws(() => parseCryosparcCs(make([0, 0]), { path: 'z.cs' }), /z\.cs byte 0: row 0: .*non-zero micrograph shape/);
  });
});
