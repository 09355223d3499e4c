// `cryopick train --init general`: fine-tuning starts from the shipped general model's weights at
// its canonical scale (downsampling = diameter / 18 unless given); without a diameter, one clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';
import { runCli } from '../_pick-fixture.js';
import { generalModelPath } from '../../src/pick/general-model.js';
import { UsageError } from '../../src/errors.js';

test('train --init general fine-tunes from the shipped model at the canonical scale', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-init-general-'));
  try {
    await simulateDataset({ outDir: join(dir, 'sim'), params: { ...PRESETS.quick.params, width: 512, height: 512, particlesPerMicrograph: 20 }, count: 2, seed: 9 });
    const common = ['train', '--micrographs', join(dir, 'sim', 'micrographs'), '--picks', join(dir, 'sim', 'picks'), '-n', '20', '--epochs', '1', '--epoch-size', '2', '--crop-size', '96', '--threads', '1'];
    await runCli([...common, '--init', 'general', '--particle-diameter-a', '160', '-o', join(dir, 'run')]);
    const run = JSON.parse(await readFile(join(dir, 'run', 'train-run.json'), 'utf8')) as { params: { init: string; downsample: number; particleDiameter: number } };
    assert.equal(run.params.init, generalModelPath());
    assert.equal(run.params.particleDiameter, 40);
    assert.ok(Math.abs(run.params.downsample - 40 / 18) < 1e-9, `downsample ${run.params.downsample}`);
    await assert.rejects(runCli([...common, '--init', 'general', '-o', join(dir, 'run2')]), (e) => e instanceof UsageError && /--init general needs the particle diameter/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
