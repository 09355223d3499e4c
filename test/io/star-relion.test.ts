// RELION meaning of STAR files: coordinate files, particle files with optics groups, autopick
// lists; -999 fillers and legacy score columns; the exact layout of what we write.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { parseStar, starValue } from '../../src/io/star.js';
import { formatCoordinateList, formatRelionCoordinates, formatRelionParticles, picksFromStar } from '../../src/io/star-relion.js';

const picks = [{ micrograph: 'Movies/mic_1.mrc', frame: ORIGINAL_FRAME, particles: [{ x: 1.5, y: 2, score: 0.75 }, { x: 3, y: 4 }] }];

function meaning(text: string, path = 'job/mic_1_autopick.star') {
  return picksFromStar(parseStar(text, { path }).file, path);
}

describe('picksFromStar', () => {
  it('names a coordinate file\'s micrograph after the file and maps -999 FOM to no score', () => {
    const r = meaning('data_\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnAutopickFigureOfMerit #3\n1 2 -999\n3 4 0.5\n');
    assert.equal(r.kind, 'picks');
    if (r.kind !== 'picks') return;
    assert.deepEqual(r.picks, [{ micrograph: 'mic_1_autopick', frame: ORIGINAL_FRAME, particles: [{ x: 1, y: 2 }, { x: 3, y: 4, score: 0.5 }] }]);
  });
  it('reads the legacy _rlnParticleScore and groups rows by _rlnMicrographName in first-seen order', () => {
    const r = meaning('data_\nloop_\n_rlnMicrographName\n_rlnCoordinateX\n_rlnCoordinateY\n_rlnParticleScore\nb.mrc 1 1 9\na.mrc 2 2 8\nb.mrc 3 3 7\n');
    assert.ok(r.kind === 'picks');
    assert.deepEqual(r.picks.map((m) => [m.micrograph, m.particles.map((p) => p.score)]), [['b.mrc', [9, 7]], ['a.mrc', [8]]]);
  });
  it('prefers the data_particles block when a particle file has optics first (RELION 3.1+)', () => {
    const r = meaning('data_optics\nloop_\n_rlnOpticsGroup\n_rlnCoordinateX\n_rlnCoordinateY\n1 0 0\ndata_particles\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n5 6\n');
    assert.ok(r.kind === 'picks');
    assert.deepEqual(r.picks[0]?.particles, [{ x: 5, y: 6 }]);
  });
  it('recognises a coordinate-file list (autopick.star)', () => {
    const r = meaning('data_coordinate_files\nloop_\n_rlnMicrographName\n_rlnMicrographCoordinates\nm.mrc AutoPick/job1/m_autopick.star\n');
    assert.deepEqual(r, { kind: 'list', entries: [{ micrograph: 'm.mrc', coordinateFile: 'AutoPick/job1/m_autopick.star', line: 5 }] });
  });
});

describe('RELION writers', () => {
  it('writes a RELION 3.0 coordinate file exactly as AutoPick lays it out', () => {
    assert.equal(formatRelionCoordinates(picks, false), [
      '', 'data_', '', 'loop_', '_rlnCoordinateX #1', '_rlnCoordinateY #2', '_rlnClassNumber #3', '_rlnAutopickFigureOfMerit #4', '_rlnAnglePsi #5',
      '1.500000 2.000000 0        0.75 -999.000000', '3.000000 4.000000 0 -999.000000 -999.000000', '', ''].join('\n'));
  });
  it('adds _rlnMicrographName when asked (several micrographs in one file)', () => {
    const { file } = parseStar(formatRelionCoordinates(picks, true));
    assert.deepEqual(file.blocks[0]?.loops[0]?.rows.map((r) => r[5]), ['Movies/mic_1.mrc', 'Movies/mic_1.mrc']);
  });
  it('writes RELION 3.1+ particles with a data_optics block and the version line', () => {
    const text = formatRelionParticles(picks, { pixelSizeA: 0.885, voltageKv: 200, imageSize: 256 });
    assert.ok(text.startsWith('\n# version 30001\n'));
    const { file } = parseStar(text);
    assert.deepEqual(file.blocks.map((b) => b.name), ['optics', 'particles']);
    const optics = file.blocks[0]!.loops[0]!;
    const row = optics.rows[0]!;
    assert.equal(row[optics.labels.indexOf('rlnVoltage')], '200.000000');
    assert.equal(row[optics.labels.indexOf('rlnImagePixelSize')], '0.885000');
    assert.equal(row[optics.labels.indexOf('rlnImageSize')], '256');
    const parts = file.blocks[1]!.loops[0]!;
    assert.equal(parts.rows[0]![parts.labels.indexOf('rlnOpticsGroup')], '1');
    assert.equal(parts.rows[0]![parts.labels.indexOf('rlnOriginXAngst')], '0.000000');
    assert.throws(() => formatRelionParticles(picks, { pixelSizeA: 0 }), RangeError);
  });
  it('writes several optics groups and assigns micrographs to them', () => {
    const two = [...picks, { micrograph: 'Movies/mic_2.mrc', frame: ORIGINAL_FRAME, particles: [{ x: 9, y: 9 }] }];
    const text = formatRelionParticles(two, [{ pixelSizeA: 0.885 }, { pixelSizeA: 1.1, opticsGroupName: 'K3' }], (m) => (m.micrograph.endsWith('2.mrc') ? 2 : 1));
    const { file } = parseStar(text);
    assert.deepEqual(file.blocks[0]!.loops[0]!.rows.map((r) => [r[0], r[1], r[2]]), [['1', 'opticsGroup1', '0.885000'], ['2', 'K3', '1.100000']]);
    const parts = file.blocks[1]!.loops[0]!;
    assert.deepEqual(parts.rows.map((r) => r[parts.labels.indexOf('rlnOpticsGroup')]), ['1', '1', '2']);
    assert.throws(() => formatRelionParticles(two, [{ pixelSizeA: 1 }], () => 2), /optics group 2/);
  });
  it('writes a RELION 4 coordinate-file list', () => {
    const { file } = parseStar(formatCoordinateList([{ micrograph: 'a b.mrc', coordinateFile: 'AutoPick/a_autopick.star' }]));
    assert.equal(file.blocks[0]?.name, 'coordinate_files');
    assert.deepEqual(file.blocks[0]?.loops[0]?.rows, [['a b.mrc', 'AutoPick/a_autopick.star']]);
    assert.equal(starValue(file.blocks[0]!, 'none'), undefined);
  });
});

describe('estimated box sizes in STAR', () => {
  it('writes a box detector\'s sizes as _EstWidth/_EstHeight and reads them back (diameter = their mean); plain picks get no size columns', () => {
    const boxed = [{ micrograph: 'mic_2', frame: ORIGINAL_FRAME, particles: [{ x: 10, y: 20, score: 0.9, diameter: 45, width: 40, height: 50 }] }];
    const text = formatRelionCoordinates(boxed, false);
    assert.match(text, /_EstWidth #6\n_EstHeight #7\n/);
    const r = meaning(text, 'job/mic_2.star');
    assert.equal(r.kind, 'picks');
    if (r.kind !== 'picks') return;
    assert.deepEqual(r.picks[0]?.particles, [{ x: 10, y: 20, score: 0.9, diameter: 45, width: 40, height: 50 }]);
    assert.doesNotMatch(formatRelionCoordinates(picks, false), /EstWidth/);
    assert.throws(() => meaning(text.replace('40.00', 'wide'), 'job/bad.star'), /_EstWidth/);
  });
});
