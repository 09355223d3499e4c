// Topaz coordinate tables: header, grouping by image_name, extra columns, integer output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { formatTopazTable, parseTopazTable, topazImageName } from '../../src/io/topaz-table.js';

describe('Topaz table', () => {
  it('reads rows grouped by image name, ignoring extra columns such as source', () => {
    const { picks } = parseTopazTable('image_name\tx_coord\ty_coord\tscore\tsource\nm1\t10\t20\t-1.5\ts\nm2\t1\t2\t3\ts\nm1\t5\t6\t0\ts\n');
    assert.deepEqual(picks.map((m) => [m.micrograph, m.particles]), [
      ['m1', [{ x: 10, y: 20, score: -1.5 }, { x: 5, y: 6, score: 0 }]], ['m2', [{ x: 1, y: 2, score: 3 }]],
    ]);
  });
  it('writes the Topaz header, base names without image extensions and integer centres', () => {
    const text = formatTopazTable([{ micrograph: 'Movies/m1.mrc', frame: ORIGINAL_FRAME, particles: [{ x: 10.4, y: 20.6, score: 2 }] }]);
    assert.equal(text, 'image_name\tx_coord\ty_coord\tscore\nm1\t10\t21\t2\n');
    assert.equal(formatTopazTable([{ micrograph: 'a', frame: ORIGINAL_FRAME, particles: [{ x: 1, y: 2 }] }]), 'image_name\tx_coord\ty_coord\na\t1\t2\n');
    assert.equal(topazImageName('x/y/mic.tiff'), 'mic');
  });
});
