// Far too many picks: `cryopick pick` warns when picks per micrograph exceed 3× the particle count the
// model was trained with (its training record) and names the likely cause; not below that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { writeMrc } from '../../src/io/mrc.js';
import { pickCountWarning, trainedParticleCount } from '../../src/pick/pick-count-check.js';
import { blobImage } from './_fake-model.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

test('the trained count comes from the training record; the warning starts above 3×', () => {
  assert.equal(trainedParticleCount({ expectedParticles: 40, params: { expectedParticles: 10 } }), 40);
  assert.equal(trainedParticleCount({ params: { expectedParticles: 10 } }), 10);
  assert.equal(trainedParticleCount({ params: {} }), undefined);
  assert.equal(trainedParticleCount(undefined), undefined);
  assert.equal(pickCountWarning({ perMicrograph: 30, trained: 10, threshold: 0 }), undefined);
  assert.equal(pickCountWarning({ perMicrograph: 100, trained: undefined, threshold: 0 }), undefined);
  assert.match(pickCountWarning({ perMicrograph: 4660, trained: 25, threshold: -3, trainedPixelSizeA: 1.1 }) ?? '',
    /^4660\.0 picks per micrograph at score >= -3, more than 3× the 25 per micrograph the model was trained with: the likely cause is micrographs at another pixel size than the model's 1\.1 Å\/px or binning/);
});

test('pick warns on stderr when picks per micrograph exceed 3× the trained count', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-count-'));
  try {
    const mics = join(root, 'mics');
    mkdirSync(mics);
    for (let k = 0; k < 2; k++) await writeMrc(join(mics, `m${k}.mrc`), blobImage(192, 192, [{ x: 96, y: 96, peak: 4 }], 3));
    const modelWith = async (expected: number): Promise<string> => {
      const path = join(root, `model${expected}.onnx`);
      await PickerModel.create(defaultConfig('resnet8'), 3).exportOnnx(path, {
        input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 16 },
        training: { expectedParticles: expected },
      });
      return path;
    };
    const pick = (model: string, out: string) => spawnSync(process.execPath, [BIN, 'pick', mics, '--model', model, '-o', join(root, out), '--threshold', '-1000', '--floor', '-1000'], { encoding: 'utf8' });
    const many = pick(await modelWith(1), 'many');
    assert.equal(many.status, 0, many.stderr);
    const perMicrograph = Number(/\(([\d.]+) per micrograph\)/.exec(many.stdout)?.[1]);
    assert.ok(perMicrograph > 3, many.stdout);
    assert.match(many.stderr, /warning: [\d.]+ picks per micrograph at score >= -1000, more than 3× the 1 per micrograph the model was trained with: the likely cause is micrographs at another pixel size/);
    const fine = pick(await modelWith(Math.ceil(perMicrograph)), 'fine');
    assert.equal(fine.status, 0, fine.stderr);
    assert.doesNotMatch(fine.stderr, /picks per micrograph/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
