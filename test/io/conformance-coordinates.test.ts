// Conformance: every real coordinate file under ../shared/realdata is read and its key facts
// asserted (row counts, specific values); bad real files must give clear located errors.
// Files or folders that are absent are skipped with a visible reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { parseNpy } from '../../src/io/npy.js';
import { parseStar, starValue } from '../../src/io/star.js';
import { missingReason, realFile } from '../_paths.js';

const ASPIRE = 'aspire/tests/saved_test_data';
const TCDA1 = 'cassper/Publication/Particle_stacks/TcdA1';
const NAPARI = 'napari-boxmanager/test_data';

/** Runs `body` with the real file's path, or skips with the reason it is missing. */
function withFile(name: string, relative: string, body: (path: string) => Promise<void>): void {
  const path = realFile(relative);
  if (path === undefined) it(name, { skip: missingReason(relative) }, () => undefined);
  else it(name, () => body(path));
}

interface CountCase { readonly file: string; readonly micrograph: string; readonly count: number; readonly first: readonly [number, number, number?]; }

const COUNTS: readonly CountCase[] = [
  { file: 'aspire/scripts/apple_out/falcon_2012_06_12-14_33_35_0_applepick.star', micrograph: 'falcon_2012_06_12-14_33_35_0_applepick', count: 504, first: [2063, 151] },
  { file: `${ASPIRE}/sample_relion_coord.star`, micrograph: 'sample_relion_coord', count: 440, first: [3523, 2905, 0] },
  { file: `${ASPIRE}/sample.coord`, micrograph: 'sample', count: 440, first: [3523, 2905] },
  { file: `${ASPIRE}/sample_particles_relion30.star`, micrograph: 'micrograph.mrc', count: 17, first: [2158.111921, 3073.912046, 1.065473] },
  { file: `${ASPIRE}/sample_particles_relion31.star`, micrograph: 'micrograph.mrc', count: 17, first: [2158.111921, 3073.912046, 1.065473] },
  { file: `${ASPIRE}/sample_relion_one_image.star`, micrograph: 'micrograph.mrc', count: 1, first: [916.590156, 3057.649585, 0.601333] },
  { file: `${ASPIRE}/sample_relion_symmetry_group_D4.star`, micrograph: 'micrograph.mrc', count: 17, first: [2158.111921, 3073.912046, 1.065473] },
  { file: `${ASPIRE}/sample_incomplete_ctf_params.star`, micrograph: 'micrograph.mrc', count: 1, first: [916.590156, 3057.649585, 0.601333] },
  { file: 'relion-tests/tests/ap_s_c2d_red.star', micrograph: 'Micrographs/Falcon_2012_06_12-14_33_35_0.mrc', count: 9, first: [1033, 74, 1.044159] },
  { file: 'relion-tests/tests/ref_it002_data.star', micrograph: 'Micrographs/Falcon_2012_06_12-14_33_35_0.mrc', count: 9, first: [1033, 74, 1.044159] },
  { file: `${TCDA1}/TCDA1_GATM/TcdA1-0010_frames.star`, micrograph: 'TcdA1-0010_frames', count: 41, first: [1612, 316, 0.245924] },
  { file: `${TCDA1}/TCDA1_GATM/TcdA1-0011_frames.star`, micrograph: 'TcdA1-0011_frames', count: 33, first: [528, 276, 0.265001] },
  { file: `${TCDA1}/TCDA1_GATM/TcdA1-0012_frames.star`, micrograph: 'TcdA1-0012_frames', count: 49, first: [1116, 320, 0.233988] },
  // CASSPER: CRLF line ends, tabs, a label with two spaces before #5, FOM -999 = no score.
  { file: `${TCDA1}/TcDA1_CASSPER/TcdA1-0010_frames.star`, micrograph: 'TcdA1-0010_frames', count: 166, first: [502, 3941] },
  { file: `${TCDA1}/TcDA1_CASSPER/TcdA1-0011_frames.star`, micrograph: 'TcdA1-0011_frames', count: 158, first: [2220, 3946] },
  { file: `${TCDA1}/TcDA1_CASSPER/TcdA1-0012_frames.star`, micrograph: 'TcdA1-0012_frames', count: 154, first: [1674, 3939] },
  { file: `${TCDA1}/TcDA1_crYOLO/STAR/TcdA1-0010_frames.star`, micrograph: 'TcdA1-0010_frames', count: 87, first: [1838, 3874.5] },
  { file: `${TCDA1}/TcDA1_crYOLO/STAR/TcdA1-0011_frames.star`, micrograph: 'TcdA1-0011_frames', count: 107, first: [581.5, 4014] },
  { file: `${TCDA1}/TcDA1_crYOLO/STAR/TcdA1-0012_frames.star`, micrograph: 'TcdA1-0012_frames', count: 128, first: [271, 4030.5] },
  // crYOLO EMAN boxes: corner + 300/2 = the centres of the matching STAR files.
  { file: `${TCDA1}/TcDA1_crYOLO/EMAN/TcdA1-0010_frames.box`, micrograph: 'TcdA1-0010_frames', count: 87, first: [1838, 3874.5] },
  { file: `${TCDA1}/TcDA1_crYOLO/EMAN/TcdA1-0012_frames.box`, micrograph: 'TcdA1-0012_frames', count: 128, first: [271, 4030.5] },
  // ASPIRE's sample.box stores centres in columns 1-2 despite box 256; read by the EMAN convention.
  { file: `${ASPIRE}/sample.box`, micrograph: 'sample', count: 440, first: [3523 + 128, 2905 + 128] },
  { file: `${NAPARI}/2d_left.box`, micrograph: '2d_left', count: 3, first: [24, 40] },
  { file: `${NAPARI}/2d_center.box`, micrograph: '2d_center', count: 3, first: [24, 40] },
  { file: `${NAPARI}/2d_center_float.box`, micrograph: '2d_center_float', count: 3, first: [24.3, 40.7] },
  { file: `${NAPARI}/2d_0_center.box`, micrograph: '2d_0_center', count: 2, first: [92, 67] },
  // crYOLO cbox: corner + Width/2, Confidence as score, <NA> values.
  { file: `${NAPARI}/2d_particles.cbox`, micrograph: '2d_particles', count: 3, first: [11.6877 + 12.5, 27.959892 + 12.5] },
  { file: `${NAPARI}/3d_particle.cbox`, micrograph: '3d_particle', count: 3, first: [12.257084 + 12.5, 27.721405 + 12.5] },
  { file: `${NAPARI}/particle_cbox_2d/TcdA1-0018_frames_sum.cbox`, micrograph: 'TcdA1-0018_frames_sum', count: 120, first: [3700.3671875 + 110, 3874.455551147461 + 110, 0.6578449010848999] },
  { file: `${NAPARI}/particle_cbox_2d/TcdA1-0019_frames_sum.cbox`, micrograph: 'TcdA1-0019_frames_sum', count: 129, first: [1179.0966796875, 3978.842498779297, 0.8090754151344299] },
  { file: `${NAPARI}/filament_cbox_2d/ActLifeact_03211.cbox`, micrograph: 'ActLifeact_03211', count: 16, first: [5.987737909516682 + 50, 861.738627145086 + 50, 1] },
  { file: `${NAPARI}/filament_cbox_2d/ActLifeact_04203.cbox`, micrograph: 'ActLifeact_04203', count: 737, first: [166.40720748829972, 2807.272854914196, 1] },
  { file: 'derived/empiar10028_from_promptsam_labels/061_10028.csv', micrograph: '061_10028', count: 90, first: [148.1, 52.1] },
  { file: 'derived/empiar10028_from_promptsam_labels/313_10028.csv', micrograph: '313_10028', count: 100, first: [156.3, 38] },
];

describe('conformance: real coordinate files', () => {
  for (const c of COUNTS) {
    withFile(`${c.file}: ${c.count} particles of ${c.micrograph}`, c.file, async (path) => {
      const picks = await readCoordinates(path);
      assert.equal(picks.length, 1);
      const m = picks[0]!;
      assert.equal(m.micrograph, c.micrograph);
      assert.equal(m.particles.length, c.count);
      const p = m.particles[0]!;
      assert.ok(Math.abs(p.x - c.first[0]) < 1e-9 && Math.abs(p.y - c.first[1]) < 1e-9, `first particle (${p.x}, ${p.y})`);
      assert.equal(p.score, c.first[2]);
    });
  }

  withFile('all 10 EMPIAR-10028 CSVs: 875 particles, 56 px diameter', 'derived/empiar10028_from_promptsam_labels', async (dir) => {
    const picks = await readCoordinates(dir);
    assert.equal(picks.length, 10);
    assert.equal(picks.reduce((n, m) => n + m.particles.length, 0), 875 - 10);
    assert.ok(picks.every((m) => m.particles.every((p) => p.diameter === 56 && p.x >= 0 && p.x < 1024 && p.y >= 0 && p.y < 1024)));
  });

  withFile('crYOLO boxes and STAR files of TcdA1 give the same centres', `${TCDA1}/TcDA1_crYOLO`, async (dir) => {
    for (const n of ['0010', '0011', '0012']) {
      const [box] = await readCoordinates(`${dir}/EMAN/TcdA1-${n}_frames.box`);
      const [star] = await readCoordinates(`${dir}/STAR/TcdA1-${n}_frames.star`);
      assert.deepEqual(box!.particles.map((p) => [p.x, p.y]), star!.particles.map((p) => [p.x, p.y]));
      assert.ok(box!.particles.every((p) => p.diameter === 300));
    }
  });

  withFile('RELION 4 autopick.star list resolves paths relative to the project folder', `${ASPIRE}/AutoPick/job006/sample_relion_autopick.star`, async (path) => {
    const picks = await readCoordinates(path);
    assert.deepEqual(picks.map((m) => [m.micrograph, m.particles.length]), [['sample.mrc', 440]]);
    assert.deepEqual(picks[0]!.particles.at(-1), { x: 2501, y: 3491, score: 0 });
  });

  withFile('an autopick.star naming a missing coordinate file is a located error', `${ASPIRE}/sample_relion_autopick.star`, async (path) => {
    await assert.rejects(readCoordinates(path), (e: unknown) => e instanceof FormatError && e.location.line === 5 && e.message.includes('relion_coord.star'));
  });
});

describe('conformance: real files that must fail clearly', () => {
  const BAD: readonly { file: string; line: number; includes: string }[] = [
    { file: `${NAPARI}/2d_empty.box`, line: 1, includes: 'empty file' },
    { file: `${NAPARI}/filament_cbox_2d/empty.cbox`, line: 1, includes: 'empty file' },
    { file: `${NAPARI}/2d_corrupt_has_string.box`, line: 2, includes: "found 'sixty_three'" },
    { file: `${NAPARI}/2d_corrupt_unqual_columns.box`, line: 3, includes: 'found 3' },
    { file: `${NAPARI}/valid_box/2d.box`, line: 1, includes: 'found 1' },
    { file: `${ASPIRE}/sample.star`, line: 20, includes: 'expected 4 values (_name _diameter_km _gravity _num_moons), found 5' },
    { file: 'relion-tests/tests/ref_it002_model.star', line: 2, includes: 'no _rlnCoordinateX/_rlnCoordinateY columns' },
    { file: 'relion-tests/tests/ref_it002_optimiser.star', line: 4, includes: 'found no loop' },
  ];
  for (const c of BAD) {
    withFile(`${c.file} → FormatError at line ${c.line}`, c.file, async (path) => {
      await assert.rejects(readCoordinates(path), (e: unknown) => {
        assert.ok(e instanceof FormatError, String(e));
        assert.equal(e.location.line, c.line, e.message);
        assert.ok(e.message.startsWith(`${path} line ${c.line}: `) && e.message.includes(c.includes), e.message);
        return true;
      });
    });
  }
});

describe('conformance: generic STAR files', () => {
  withFile('ASPIRE generic STAR: key-value block, extra column (permissive), two loops in one block', `${ASPIRE}/sample.star`, async (path) => {
    const { file, warnings } = parseStar(await readFile(path, 'utf8'), { path, permissive: true });
    assert.deepEqual(file.blocks.map((b) => b.name), ['general', 'planetary']);
    assert.equal(starValue(file.blocks[0]!, 'pi'), '3.1415');
    assert.equal(starValue(file.blocks[0]!, 'greeting'), 'hello');
    const [planets, years] = file.blocks[1]!.loops;
    assert.equal(planets!.rows.length, 8);
    assert.deepEqual(planets!.rows[3], ['Mars', '6794', '0.38', '2']);
    assert.deepEqual(years!.rows, [['Uranus', '1781'], ['Neptune', '1846']]);
    assert.deepEqual(warnings.map((w) => w.line), [20, 29]);
  });
  withFile('RELION 3.1 particles: optics block with a bracketed comment after a label', `${ASPIRE}/sample_particles_relion31.star`, async (path) => {
    const { file } = parseStar(await readFile(path, 'utf8'), { path });
    const optics = file.blocks.find((b) => b.name === 'optics')!.loops[0]!;
    assert.equal(optics.labels[2], 'rlnMtfFileName');
    assert.deepEqual(optics.rows.map((r) => [r[0], r[1], r[4]]), [['opticsGroup1', '1', '300.000000'], ['opticsGroup2', '2', '200.000000']]);
    assert.equal(file.blocks.find((b) => b.name === 'particles')!.loops[0]!.labels.length, 26);
  });
  withFile('RELION model STAR: six blocks, key-value pairs', 'relion-tests/tests/ref_it002_model.star', async (path) => {
    const { file } = parseStar(await readFile(path, 'utf8'), { path });
    assert.deepEqual(file.blocks.slice(0, 3).map((b) => b.name), ['model_general', 'model_classes', 'model_class_1']);
    assert.equal(starValue(file.blocks[0]!, 'rlnOriginalImageSize'), '100');
    assert.equal(starValue(file.blocks[0]!, 'rlnPixelSize'), '3.540002');
  });
  withFile('starfile edge cases: every .star file parses (quotes, empty loops, single-line and multi blocks)', 'starfile/tests/data', async (dir) => {
    const names = readdirSync(dir).filter((n) => n.endsWith('.star'));
    assert.ok(names.length > 0);
    for (const n of names) {
      const { file } = parseStar(await readFile(join(dir, n), 'utf8'), { path: n, permissive: true });
      assert.ok(file.blocks.length > 0, n);
    }
  });
});

describe('conformance: cryoSPARC .cs (NumPy structured arrays)', () => {
  withFile('cryosparc-tools 4k_dataset.cs: a valid table with 0 rows and 106 fields', 'cryosparc-tools/tests/data/4k_dataset.cs', async (path) => {
    const t = parseNpy(await readFile(path), path);
    assert.equal(t.length, 0);
    assert.equal(t.dtype.fields.filter((f) => f.name !== '').length, 106);
  });
  withFile('cryodrgn .cs files: every one is read; pick locations become pixel centres', 'cryodrgn/tests/data', async (dir) => {
    const names = readdirSync(dir).filter((n) => n.endsWith('.cs'));
    assert.ok(names.length > 0);
    const rows: number[] = [];
    for (const n of names) {
      const t = parseNpy(await readFile(join(dir, n)), n);
      rows.push(t.length);
      if (t.columns.has('location/center_x_frac')) {
        const picks = await readCoordinates(join(dir, n));
        assert.equal(picks.reduce((k, m) => k + m.particles.length, 0), t.length);
        for (const m of picks) for (const p of m.particles) assert.ok(p.x >= 0 && p.x <= (m.width ?? 0) && p.y >= 0 && p.y <= (m.height ?? 0));
      }
    }
    assert.ok(rows.includes(2019) || rows.includes(22) || rows.includes(7), `row counts ${rows.join(', ')}`);
  });
});
