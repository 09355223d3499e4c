// `cryopick pick` end to end on failures: --skip-bad (exit 3, failed-micrographs.tsv, outputs of
// the rest), a failure on the first micrograph (exit 1, nothing left), Ctrl+C (exit 130, resumable),
// and the model's SHA-256 in the manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { writeMrc } from '../../src/io/mrc.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { blobImage } from './_fake-model.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

test('pick --skip-bad exits 3 listing the bad micrograph; without it a first failure leaves nothing; Ctrl+C exits 130 resumable', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-pick-exits-'));
  try {
    const model = join(dir, 'model.onnx');
    await PickerModel.create(defaultConfig('resnet8'), 3).exportOnnx(model, {
      input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 32 },
    });
    const mics = join(dir, 'mics');
    await mkdir(mics);
    writeFileSync(join(mics, 'a_bad.mrc'), '');
    for (let k = 0; k < 4; k++) await writeMrc(join(mics, `m${k}.mrc`), blobImage(160, 144, [{ x: 60, y: 70 + 5 * k, peak: 4 }], 6));
    const base = [mics, '--model', model, '--threshold', '-100', '--floor', '-1000', '--workers', '1'];

    const first = join(dir, 'first');
    const failed = spawnSync(process.execPath, [BIN, 'pick', ...base, '-o', first], { encoding: 'utf8' });
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, /a_bad\.mrc.*--skip-bad/);
    assert.equal(existsSync(first), false, 'a run that failed before its first micrograph leaves nothing');

    const out = join(dir, 'skip');
    const r = spawnSync(process.execPath, [BIN, 'pick', ...base, '-o', out, '--skip-bad'], { encoding: 'utf8' });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /picked 4 micrograph/);
    assert.match(r.stderr, /1 micrograph\(s\) could not be picked and were skipped \(.*a_bad\.mrc.*\); all are listed in .*failed-micrographs\.tsv/);
    assert.match(readFileSync(join(out, 'failed-micrographs.tsv'), 'utf8'), /^micrograph\treason\n.*a_bad\.mrc\t.*\n$/);
    assert.equal((await readCoordinates(join(out, 'relion', 'autopick.star'))).length, 4);
    const manifest = JSON.parse(readFileSync(join(out, 'pick-run.json'), 'utf8'));
    assert.equal(manifest.modelSha256, createHash('sha256').update(readFileSync(model)).digest('hex'));

    // Ctrl+C part-way: exit 130, resumable, and --resume finishes
    const many = join(dir, 'many');
    await mkdir(many);
    for (let k = 0; k < 12; k++) await writeMrc(join(many, `n${k}.mrc`), blobImage(384, 384, [{ x: 60, y: 70, peak: 4 }], 6));
    const run = join(dir, 'int');
    const args = [BIN, 'pick', many, '--model', model, '--threshold', '-100', '--floor', '-1000', '--workers', '1', '--tta', 'dihedral', '-o', run];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const deadline = Date.now() + 120_000;
    const detections = join(run, 'detections');
    while (Date.now() < deadline && !(existsSync(detections) && readdirSync(detections).some((f) => f.endsWith('.tsv')))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    assert.equal(await code, 130, stderr);
    assert.match(stderr, /interrupted after \d+ of 12 micrographs; the run is resumable: rerun the same command with --resume/);
    const done = readdirSync(detections).filter((f) => f.endsWith('.tsv')).length;
    assert.ok(done >= 1 && done < 12, `${done} done`);
    const resumed = spawnSync(process.execPath, [...args, '--resume'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`\\(${done} already done\\)`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
