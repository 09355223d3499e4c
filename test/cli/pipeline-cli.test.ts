// `cryopick tune --config` and `cryopick train --config` as a user runs them: separate processes on
// a tiny simulated dataset, checking exit codes, the printed model path and the run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTinyPipeline } from '../tune/_tiny-pipeline.js';

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
    await writeTinyPipeline(dir, 5, { runName: 'cli', lrScheduler: { kind: 'constant', lr: 5e-4 } });

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
