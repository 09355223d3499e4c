// `cryopick cross-validate` and `cryopick tune --config` with the yolo family, as a user runs them:
// real (tiny) YOLO trainings ranked by the held-out particle AP of their boxes, a yolo final model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModel } from '../../src/engine/index.js';
import { writeTinyPipeline } from '../tune/_tiny-pipeline.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function run(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 300_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const family = (path: string): string | undefined => parseModel(new Uint8Array(readFileSync(path))).metadata['cryopick.family'];

test('cross-validate and tune --config train the yolo family and rank it by held-out particle AP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-yolo-tune-'));
  try {
    const configPath = await writeTinyPipeline(dir, 7, { runName: 'yolo', lrScheduler: { kind: 'constant', lr: 1e-3 } });
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { shared: Record<string, unknown>; tuning: Record<string, unknown> };
    config.shared = { ...config.shared, family: 'yolo', widthMultiplier: 0.125, cropSize: 64, expectedParticles: undefined, units: undefined };
    config.tuning = { ...config.tuning, enabled: true };
    writeFileSync(configPath, JSON.stringify(config));

    const cv = await run(['cross-validate', '--family', 'yolo', '--parameter', 'learning-rate', '--initial', '0.0005', '--increment', '0.0005', '--num-values', '2',
      '--folds', '2', '--micrographs', 'sim/micrographs', '--picks', 'sim/picks', '--particle-diameter-px', '40', '--downsample', '2', '--normalize', 'standard',
      '--crop-size', '64', '--epochs', '1', '--epoch-size', '1', '--width-multiplier', '0.125', '--threads', '1', '-o', 'cv'], dir);
    assert.equal(cv.code, 0, cv.stderr);
    assert.match(cv.stderr, /held-out particle AP \d/);
    assert.match(cv.stdout, /learning-rate 0\.0005: particle AP [\d.]+ ± [\d.]+ \(2 folds\)/);
    assert.match(readFileSync(join(dir, 'cv', 'cv-summary.tsv'), 'utf8'), /^learningRate\tmean_heldout_particle_ap/);
    const found = /final model: (\S+\.onnx)/.exec(cv.stdout)?.[1];
    const cvModel = found && resolve(dir, found);
    assert.ok(cvModel && existsSync(cvModel), cv.stdout);
    assert.equal(family(cvModel), 'yolo');

    const tuned = await run(['tune', '--config', 'config.json', '--strategy', 'random', '--max-trials', '2', '--seed', '1'], dir);
    assert.equal(tuned.code, 0, tuned.stderr);
    assert.match(tuned.stderr, /trial 2: .* → [\d.]+/);
    const printed = /model: (\S+\.onnx)/.exec(tuned.stdout)?.[1];
    const model = printed && resolve(dir, printed);
    assert.ok(model && existsSync(model), tuned.stdout);
    assert.equal(family(model), 'yolo');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
