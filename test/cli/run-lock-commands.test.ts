// Every command that writes a run folder takes its lock: while another process holds the folder,
// pick, train, tune, cross-validate, preprocess and demo are refused naming the holder, exit 1,
// and write nothing there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, RUN_LOCK_NAME } from '../../src/io/run-lock.js';
import { writeMrc } from '../../src/io/mrc.js';
import { makeImage } from '../../src/image/image.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

function cli(args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

test('a held run folder refuses every writing command, naming the holder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-lock-cmds-'));
  try {
    const mics = join(root, 'mics');
    mkdirSync(mics);
    await writeMrc(join(mics, 'a.mrc'), makeImage(64, 64, new Float32Array(64 * 64).fill(1)));
    writeFileSync(join(root, 'picks.star'), 'data_\nloop_\n_rlnMicrographName\n_rlnCoordinateX\n_rlnCoordinateY\na.mrc 10 20\n');
    writeFileSync(join(root, 'model.onnx'), 'not read: the lock comes first');
    const out = join(root, 'out');
    const config = join(root, 'config.json');
    if (cli(['create-train-config', '--file', config]).status !== 0) assert.fail('create-train-config');
    const c = JSON.parse(readFileSync(config, 'utf8'));
    c.data.micrographs = [mics];
    c.data.picks = [join(root, 'picks.star')];
    c.shared.expectedParticles = 10;
    c.shared.outputDir = out;
    writeFileSync(config, JSON.stringify(c));
    const lock = acquireRunLock(out, 'pick');
    try {
      const train = ['--micrographs', mics, '--picks', join(root, 'picks.star'), '-n', '10', '-o', out];
      const cases: [string, string[]][] = [
        ['pick', ['pick', mics, '--model', join(root, 'model.onnx'), '-o', out]],
        ['train', ['train', ...train]],
        ['train --config', ['train', '--config', config]],
        ['tune', ['tune', '--config', config]],
        ['cross-validate', ['cross-validate', '--parameter', 'learning-rate', '--initial', '0.001', '--increment', '0.001', ...train]],
        ['preprocess', ['preprocess', mics, '-o', out]],
        ['demo', ['demo', '-o', out]],
      ];
      for (const [name, args] of cases) {
        const r = cli(args);
        assert.equal(r.status, 1, `${name}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^cryopick: ${out} is in use by another writer: cryopick pick \\(pid ${process.pid} on `), name);
        assert.deepEqual(readdirSync(out), [RUN_LOCK_NAME], `${name} wrote nothing`);
      }
    } finally {
      lock.release();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
