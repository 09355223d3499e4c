// CryoPPP CSV coordinates: header roles, extra columns, quoted fields, micrograph-name column.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { formatCsvCoordinates, parseCsvCoordinates, splitCsvLine } from '../../src/io/csv-coords.js';

describe('CryoPPP CSV', () => {
  it('reads CryoPPP columns among others, grouping by the micrograph column', () => {
    const text = 'Micrographs Filename,X-Coordinate,Y-Coordinate,Angle-Psi,Diameter\n"a b.mrc",10,20,0,150\nc.mrc,1,2,0,\n';
    const { picks } = parseCsvCoordinates(text, { path: 'gt.csv' });
    assert.deepEqual(picks.map((m) => [m.micrograph, m.particles]), [['a b.mrc', [{ x: 10, y: 20, diameter: 150 }]], ['c.mrc', [{ x: 1, y: 2 }]]]);
  });
  it('names a single-micrograph file after the file, and splits quoted fields', () => {
    assert.equal(parseCsvCoordinates('x_png,y_png,diameter_px\n1,2,56\n', { path: 'dir/061_10028.csv' }).picks[0]?.micrograph, '061_10028');
    assert.deepEqual(splitCsvLine('"a,""b""",2'), ['a,"b"', '2']);
  });
  it('writes X-Coordinate,Y-Coordinate,Diameter[,Score] with a name column for several micrographs', () => {
    const picks = [
      { micrograph: 'm,1', frame: ORIGINAL_FRAME, particles: [{ x: 1.5, y: 2, diameter: 56, score: 0.5 }] },
      { micrograph: 'm2', frame: ORIGINAL_FRAME, particles: [{ x: 3, y: 4 }] },
    ];
    assert.equal(formatCsvCoordinates(picks), 'Micrographs Filename,X-Coordinate,Y-Coordinate,Diameter,Score\n"m,1",1.5,2,56,0.5\nm2,3,4,,\n');
    assert.equal(formatCsvCoordinates([picks[1]!]), 'X-Coordinate,Y-Coordinate,Diameter\n3,4,\n');
  });
});
