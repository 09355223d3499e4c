// RELION External jobs on fixture RELION-5-style projects built here: `cryopick relion pick`
// writes autopick.star, per-micrograph coordinate files, the node file and the exit file; a
// broken input ends in RELION_JOB_EXIT_FAILURE with one message; "continue" picks only new
// micrographs; `cryopick relion train` writes a model and its report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readStar } from '../../src/io/star.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { readMicrographsStar } from '../../src/relion/micrographs-star.js';
import { coordinateFileOf } from '../../src/relion/pick-job.js';
import { runCli, writeTestMicrographs, writeTestModel } from '../_pick-fixture.js';
import { missingReason, realFile } from '../_paths.js';

const BIN = resolve('dist', 'src', 'cli', 'bin.js');
const exec = promisify(execFile);
const PIXEL = 1.5;

/** micrographs_ctf.star as RELION 5 writes it: optics block, then the micrographs. */
function micrographsStar(names: readonly string[], group = 1): string {
  return `
# version 50001

data_optics

loop_
_rlnOpticsGroupName #1
_rlnOpticsGroup #2
_rlnMicrographOriginalPixelSize #3
_rlnVoltage #4
_rlnSphericalAberration #5
_rlnAmplitudeContrast #6
_rlnMicrographPixelSize #7
opticsGroup1            1     0.750000   300.000000     2.700000     0.100000     ${PIXEL.toFixed(6)}

# version 50001

data_micrographs

loop_
_rlnMicrographName #1
_rlnOpticsGroup #2
_rlnCtfImage #3
_rlnDefocusU #4
_rlnDefocusV #5
_rlnCtfAstigmatism #6
_rlnDefocusAngle #7
_rlnCtfFigureOfMerit #8
_rlnCtfMaxResolution #9
${names.map((n) => `${n}            ${group} ${n.replace('MotionCorr/job002', 'CtfFind/job003').replace('.mrc', '.ctf:mrc')} 10863.857422 10575.114258   288.743164    77.236656     0.131889     4.809192`).join('\n')}
`;
}

async function project(count: number): Promise<{ dir: string; names: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-relion-'));
  const paths = await writeTestMicrographs(join(dir, 'MotionCorr', 'job002', 'Movies'), count);
  const names = paths.map((p) => p.slice(dir.length + 1));
  await mkdir(join(dir, 'CtfFind', 'job003'), { recursive: true });
  await writeFile(join(dir, 'CtfFind', 'job003', 'micrographs_ctf.star'), micrographsStar(names));
  await writeTestModel(join(dir, 'model.onnx'));
  for (const j of ['job004', 'job005', 'job006', 'job007']) await mkdir(join(dir, 'External', j), { recursive: true });
  return { dir, names };
}

async function relion(dir: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, 'relion', ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const pickArgs = (job: string): string[] => ['pick', '--o', `External/${job}/`, '--in_mics', 'CtfFind/job003/micrographs_ctf.star', '--model', 'model.onnx',
  '--particle_diameter', String(32 * PIXEL), '--threshold', '-2', '--j', '1', '--pipeline_control', `External/${job}/`];

test('relion pick: outputs, node file, exit file, and continue picks only new micrographs', async () => {
  const { dir, names } = await project(4);
  try {
    const r = await relion(dir, pickArgs('job004'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /picked 4 new micrograph\(s\); \d+ particles/);
    const job = join(dir, 'External', 'job004');
    assert.ok(existsSync(join(job, 'RELION_JOB_EXIT_SUCCESS')) && !existsSync(join(job, 'RELION_JOB_EXIT_FAILURE')));
    const nodes = (await readStar(join(job, 'RELION_OUTPUT_NODES.star'))).file.blocks.find((b) => b.name === 'output_nodes');
    assert.deepEqual(nodes?.loops[0]?.labels, ['rlnPipeLineNodeName', 'rlnPipeLineNodeTypeLabel']);
    assert.deepEqual(nodes?.loops[0]?.rows, [['External/job004/autopick.star', 'MicrographsCoords.star.relion.autopick']]);
    const list = (await readStar(join(job, 'autopick.star'))).file.blocks[0]!;
    assert.equal(list.name, 'coordinate_files');
    assert.deepEqual(list.loops[0]!.rows.map((row) => row[1]), names.map((n) => coordinateFileOf('External/job004', n)));
    assert.equal(coordinateFileOf('External/job004/', 'MotionCorr/job002/Movies/mic_000.mrc'), 'External/job004/Movies/mic_000_autopick.star');
    // the same picks as cryopick pick at the diameter in pixels (48 Å / 1.5 Å/px = 32 px)
    const viaRelion = await readCoordinates(join(job, 'autopick.star'), { projectDir: dir });
    await runCli(['pick', join(dir, 'MotionCorr', 'job002', 'Movies'), '--model', join(dir, 'model.onnx'), '--diameter', '32', '--threshold', '-2', '--out', join(dir, 'direct'), '--format', 'topaz']);
    const direct = await readCoordinates(join(dir, 'direct', 'particles.txt'));
    assert.equal(viaRelion.length, 4);
    assert.deepEqual(viaRelion.map((m) => m.particles.length), direct.map((m) => m.particles.length));
    assert.ok(viaRelion.every((m) => m.particles.length > 0 && m.particles.every((p) => p.score !== undefined && p.score >= -2)));

    // continue: two new micrographs appear in micrographs_ctf.star
    const more = await writeTestMicrographs(join(dir, 'MotionCorr', 'job002', 'Movies'), 2, 4);
    await writeFile(join(dir, 'CtfFind', 'job003', 'micrographs_ctf.star'), micrographsStar([...names, ...more.map((p) => p.slice(dir.length + 1))]));
    const again = await relion(dir, pickArgs('job004'));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /picked 2 new micrograph\(s\) \(4 already done\)/);
    assert.equal((await readCoordinates(join(job, 'autopick.star'), { projectDir: dir })).length, 6);
    assert.ok(existsSync(join(job, 'RELION_JOB_EXIT_SUCCESS')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('relion pick without --model picks with the general model shipped with cryopick', async () => {
  const { dir } = await project(2);
  try {
    const r = await relion(dir, ['pick', '--o', 'External/job006/', '--in_mics', 'CtfFind/job003/micrographs_ctf.star', '--particle_diameter', String(32 * PIXEL), '--j', '1', '--pipeline_control', 'External/job006/']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /picked 2 new micrograph\(s\); \d+ particles/);
    assert.ok(existsSync(join(dir, 'External', 'job006', 'RELION_JOB_EXIT_SUCCESS')));
    const manifest = JSON.parse(await readFile(join(dir, 'External', 'job006', 'cryopick', 'pick-run.json'), 'utf8')) as { modelId: string; diameterPx: number; borderPx: number };
    assert.equal(manifest.modelId, 'general');
    assert.equal(manifest.diameterPx, 32);
    assert.equal(manifest.borderPx, 16, 'default border: half the diameter');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('relion pick: broken inputs end in RELION_JOB_EXIT_FAILURE with one clear message', async () => {
  const { dir, names } = await project(2);
  try {
    await writeFile(join(dir, 'CtfFind', 'job003', 'broken.star'), micrographsStar(names, 3));
    const cases: [string, string[], RegExp][] = [
      ['job005', ['--in_mics', 'CtfFind/job003/broken.star', '--model', 'model.onnx'], /optics group 3 is not in the optics block/],
      ['job007', ['--in_mics', 'CtfFind/job003/micrographs_ctf.star', '--model', 'model.onnx', '--particle_diameter', 'big'], /--particle_diameter: expected a positive number of Å/],
    ];
    for (const [job, args, message] of cases) {
      const r = await relion(dir, ['pick', '--o', `External/${job}/`, ...args, '--pipeline_control', `External/${job}/`]);
      assert.notEqual(r.code, 0, job);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(existsSync(join(dir, 'External', job, 'RELION_JOB_EXIT_FAILURE')) && !existsSync(join(dir, 'External', job, 'RELION_JOB_EXIT_SUCCESS')), job);
    }
    const unknown = await relion(dir, [...pickArgs('job005'), '--box_size', '64']);
    assert.match(unknown.stderr, /unknown job parameter\(s\) --box_size/);
    assert.ok(!existsSync(join(dir, 'External', 'job005', 'RELION_JOB_EXIT_SUCCESS')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('relion train: a model and its report from micrographs_ctf.star and a coordinate list', async () => {
  const { dir } = await project(4);
  try {
    assert.equal((await relion(dir, pickArgs('job004'))).code, 0);
    const r = await relion(dir, ['train', '--o', 'External/job005/', '--in_mics', 'CtfFind/job003/micrographs_ctf.star', '--in_coords', 'External/job004/autopick.star',
      '--expected_particles', '3', '--particle_diameter', '48', '--epochs', '1', '--downsample', '2', '--epoch_size', '3', '--crop_size', '80', '--j', '1', '--pipeline_control', 'External/job005/']);
    assert.equal(r.code, 0, r.stderr);
    const job = join(dir, 'External', 'job005');
    assert.ok(existsSync(join(job, 'train', 'model.onnx')) && existsSync(join(job, 'report.html')) && existsSync(join(job, 'RELION_JOB_EXIT_SUCCESS')));
    const nodes = await readFile(join(job, 'RELION_OUTPUT_NODES.star'), 'utf8');
    assert.match(nodes, /External\/job005\/train\/model\.onnx ProcessData\.onnx\.cryopick\.model/);
    const missing = await relion(dir, ['train', '--o', 'External/job006/', '--in_mics', 'CtfFind/job003/micrographs_ctf.star', '--in_coords', 'External/job004/autopick.star']);
    assert.match(missing.stderr, /--expected_particles is required/);
    assert.ok(existsSync(join(dir, 'External', 'job006', 'RELION_JOB_EXIT_FAILURE')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('relion train: micrographs with NaN pixels fail the job, and the job parameter --permissive reads it with a warning', async () => {
  const { dir, names } = await project(4);
  try {
    assert.equal((await relion(dir, pickArgs('job004'))).code, 0);
    for (const name of names) {
      const fd = openSync(join(dir, name), 'r+');
      writeSync(fd, new Uint8Array(new Float32Array([Number.NaN]).buffer), 0, 4, 1024 + 4 * 300);
      closeSync(fd);
    }
    const train = (job: string, extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> => relion(dir, ['train', '--o', `External/${job}/`,
      '--in_mics', 'CtfFind/job003/micrographs_ctf.star', '--in_coords', 'External/job004/autopick.star', '--expected_particles', '3', '--particle_diameter', '48',
      '--epochs', '1', '--downsample', '2', '--epoch_size', '2', '--crop_size', '80', '--test_fraction', '0', '--j', '1', ...extra]);
    const strict = await train('job005', []);
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /mic_00\d\.mrc byte 2224: .*--permissive/);
    assert.ok(existsSync(join(dir, 'External', 'job005', 'RELION_JOB_EXIT_FAILURE')));
    const lenient = await train('job006', ['--permissive']);
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.match(lenient.stderr, /warning: .*mic_00\d\.mrc byte 2224: 1 non-finite pixel value.*replaced by the mean of the other pixels \(--permissive\)/);
    assert.ok(existsSync(join(dir, 'External', 'job006', 'train', 'model.onnx')) && existsSync(join(dir, 'External', 'job006', 'RELION_JOB_EXIT_SUCCESS')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const REAL = 'cryodrgn/tests/data/relion5.star';
test('RELION 5 optics block of a real STAR file gives the pixel size', { skip: realFile(REAL) ? false : missingReason(REAL) }, async () => {
  const mics = await readMicrographsStar(realFile(REAL) as string, '/project');
  assert.ok(mics.length > 0);
  assert.ok(mics.every((m) => m.pixelSize === 0.89 && m.opticsGroup === 1 && m.path.startsWith('/project/')));
});
