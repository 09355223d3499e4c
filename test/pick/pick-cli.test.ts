// End to end through the CLI commands with a real (untrained) ResNet8 .onnx: pick with several
// formats, resume of a finished run, re-threshold by count, evaluate, and the HTML report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register as registerPick } from '../../src/cli/registry/pick.js';
import { register as registerThreshold } from '../../src/cli/registry/threshold.js';
import { register as registerReport } from '../../src/cli/registry/report.js';
import { register as registerEvaluate } from '../../src/cli/registry/evaluate.js';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { writeMrc } from '../../src/io/mrc.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { UsageError, UserError } from '../../src/errors.js';
import { blobImage } from './_fake-model.js';

async function cli(args: string[]): Promise<string> {
  const program = new Command('cryopick').exitOverride();
  for (const r of [registerPick, registerThreshold, registerReport, registerEvaluate]) r(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return out;
}

test('cryopick pick / threshold / report with a real model', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-pick-cli-'));
  try {
    const model = join(dir, 'model.onnx');
    await PickerModel.create(defaultConfig('resnet8'), 3).exportOnnx(model, {
      input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 32 },
    });
    await mkdir(join(dir, 'mics'));
    for (let k = 0; k < 3; k++) {
      const blobs = [{ x: 60 + 10 * k, y: 70, peak: 4 }, { x: 150, y: 160 - 10 * k, peak: 4 }];
      await writeMrc(join(dir, 'mics', `m${k}.mrc`), blobImage(224, 208, blobs, 6));
    }
    const out = join(dir, 'run');
    const text = await cli(['pick', join(dir, 'mics'), '--model', model, '--out', out, '--format', 'star,topaz,cs', '--threshold', '-100', '--floor', '-1000', '--border-px', '8']);
    assert.match(text, /picked 3 micrograph\(s\)/);
    const picks = await readCoordinates(join(out, 'particles.txt'));
    assert.equal(picks.length, 3);
    for (const m of picks) {
      assert.ok(m.particles.length > 0);
      // border and minimum distance (0.5 × 32 px) hold in original pixels (Topaz tables round to integers)
      assert.ok(m.particles.every((p) => p.x >= 7.5 && p.y >= 7.5 && p.x <= 224 - 1 - 7.5 && p.y <= 208 - 1 - 7.5));
    }
    const star = await readCoordinates(join(out, 'relion', 'autopick.star'));
    assert.equal(star.reduce((s, m) => s + m.particles.length, 0), picks.reduce((s, m) => s + m.particles.length, 0));
    assert.ok(existsSync(join(out, 'particles.cs')));

    const before = await readFile(join(out, 'detections', 'm1.tsv'), 'utf8');
    assert.match(await cli(['pick', join(dir, 'mics'), '--model', model, '--out', out, '--format', 'star,topaz,cs', '--threshold', '-100', '--floor', '-1000', '--border-px', '8', '--resume']), /3 already done/);
    assert.equal(await readFile(join(out, 'detections', 'm1.tsv'), 'utf8'), before);
    await assert.rejects(cli(['pick', join(dir, 'mics'), '--model', model, '--out', out]), UserError);
    await assert.rejects(cli(['pick', join(dir, 'mics'), '--model', model, '--out', out, '--format', 'pdf']), UsageError);
    await assert.rejects(cli(['pick', join(dir, 'mics'), '--model', model, '--out', join(dir, 'tta0'), '--tta', 'rotate']), UsageError);
    assert.match(await cli(['pick', join(dir, 'mics'), '--model', model, '--out', join(dir, 'tta'), '--tta', 'dihedral', '--threshold', '-100', '--floor', '-1000']), /picked 3 micrograph/);
    assert.equal((await readCoordinates(join(dir, 'tta', 'relion', 'autopick.star'))).length, 3);
    await assert.rejects(cli(['pick', join(dir, 'mics'), '--model', model, '--out', join(dir, 's1'), '--smooth', '-0.1']), /--smooth/);
    assert.match(await cli(['pick', join(dir, 'mics'), '--model', model, '--out', join(dir, 's1'), '--smooth', '0.15', '--threshold', '-100', '--floor', '-1000']), /picked 3 micrograph/);
    assert.equal(JSON.parse(await readFile(join(dir, 's1', 'pick-run.json'), 'utf8')).smoothingPx, 0.15 * 32);
    assert.equal(JSON.parse(await readFile(join(out, 'pick-run.json'), 'utf8')).smoothingPx, 0, 'raw peak scores by default');

    const thr = await cli(['threshold', out, '--out', join(dir, 't'), '--count', '2', '--format', 'box', '--box-size', '32']);
    assert.match(thr, /6 particles in 3 micrograph/);
    await assert.rejects(cli(['threshold', out, '--out', join(dir, 't2'), '--count', '2', '--threshold', '1']), UsageError);

    const truth = ['image_name\tx_coord\ty_coord', ...[0, 1, 2].flatMap((k) => [`m${k}\t${60 + 10 * k}\t70`, `m${k}\t150\t${160 - 10 * k}`])].join('\n');
    await writeFile(join(dir, 'truth.txt'), `${truth}\n`);
    const ev = await cli(['evaluate', '--pred', out, '--ref', join(dir, 'truth.txt'), '--diameter-px', '32']);
    assert.match(ev, /micrographs: 3, references: 6, predictions: \d+/);
    assert.match(await cli(['report', out, '--out', join(dir, 'report.html'), '--threshold', '-100', '--previews', '2']), /wrote/);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.equal((html.match(/src="data:image\/png;base64,/g) ?? []).length, 1); // the score histogram
    assert.equal((html.match(/src="data:image\/jpeg;base64,/g) ?? []).length, 2); // two micrographs in the gallery
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
