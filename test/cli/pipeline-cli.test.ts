// `cryopick tune --config` and `cryopick train --config` as a user runs them: separate processes on
// a tiny simulated dataset, checking exit codes, the printed model path and the run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function run(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 240_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('tune --config and train --config run the pipeline from the command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-pipe-cli-'));
  try {
    await simulateDataset({ outDir: join(dir, 'sim'), params: { ...PRESETS.quick.params, width: 256, height: 256, particlesPerMicrograph: 10, junkPerMicrograph: 0, labelFraction: 0.6 }, count: 5, seed: 5 });
    const config = {
      data: { micrographs: ['sim/micrographs'], picks: ['sim/picks'], testFraction: 0.2, downsample: 2, normalize: 'standard', particleDiameter: 40 },
      tuning: { enabled: false, strategy: 'random', maxTrials: 2, epochsPerTrial: 1, validationFraction: 0.3, space: { learningRate: { type: 'log-uniform', min: 1e-4, max: 1e-3 } } },
      training: { epochs: 1, patience: 0, validationFraction: 0.3 },
      shared: { expectedParticles: 10, units: 8, epochSize: 2, cropSize: 80, cropsPerStep: 2, threads: 1, outputDir: 'out', runName: 'cli' },
      lrScheduler: { kind: 'constant', lr: 5e-4 },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

    const trained = await run(['train', '--config', 'config.json'], dir);
    assert.equal(trained.code, 0, trained.stderr);
    const model = /model: (\S+\.onnx)/.exec(trained.stdout)?.[1];
    assert.ok(model && existsSync(model), `train printed an existing model path: ${trained.stdout}`);
    assert.match(trained.stderr, /test \(\d+ micrographs/);

    // the run folder exists now: a second pipeline run refuses to replace it unless told to
    const refused = await run(['tune', '--config', 'config.json', '--strategy', 'random', '--max-trials', '2'], dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists; pass overwrite/);
    const tuned = await run(['tune', '--config', 'config.json', '--strategy', 'random', '--max-trials', '2', '--seed', '1', '--overwrite'], dir);
    assert.equal(tuned.code, 0, tuned.stderr);
    assert.match(tuned.stderr, /trial 2: /);
    assert.match(tuned.stderr, /best trial \d/);
    assert.ok(existsSync(join(dir, 'out', 'tuning')), 'search state saved');
    assert.ok(readdirSync(join(dir, 'out')).length >= 2);

    const bad = await run(['tune', '--config', 'config.json', '--strategy', 'grid'], dir);
    assert.equal(bad.code, 2, 'an unknown strategy is a usage error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
