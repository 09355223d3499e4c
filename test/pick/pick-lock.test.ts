// Two writers into one pick folder: while another process holds the folder, `cryopick pick` is
// refused naming the holder and writes nothing; once it is gone (even killed), picking works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { writeMrc } from '../../src/io/mrc.js';
import { RUN_LOCK_NAME, readRunLock } from '../../src/io/run-lock.js';
import { blobImage } from './_fake-model.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;
const LOCK_MODULE = new URL('../../src/io/run-lock.js', import.meta.url).href;

test('a second pick into a held folder is refused naming the holder; a killed holder\'s lock is broken', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-pick-lock-'));
  let holder: ReturnType<typeof spawn> | undefined;
  try {
    const model = join(dir, 'model.onnx');
    await PickerModel.create(defaultConfig('resnet8'), 3).exportOnnx(model, {
      input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 32 },
    });
    await mkdir(join(dir, 'mics'));
    for (let k = 0; k < 2; k++) await writeMrc(join(dir, 'mics', `m${k}.mrc`), blobImage(128, 112, [{ x: 50, y: 60, peak: 4 }], 6));
    const out = join(dir, 'run');
    // another writer (a separate process) holds the folder
    holder = spawn(process.execPath, ['--input-type=module', '-e',
      `const { acquireRunLock } = await import(process.argv[1]); acquireRunLock(process.argv[2], 'pick'); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`,
      LOCK_MODULE, out], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = holder;
    await new Promise<void>((resolve) => started.stdout?.once('data', () => resolve()));
    const args = ['pick', join(dir, 'mics'), '--model', model, '--out', out, '--threshold', '-100', '--floor', '-1000'];
    const refused = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`in use by another writer: cryopick pick \\(pid ${started.pid} on `));
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.deepEqual(readdirSync(out), [RUN_LOCK_NAME], 'nothing written beside the holder\'s lock');
    // the holder is killed: its lock is stale and the next pick breaks it
    const gone = new Promise((r) => started.on('exit', r));
    started.kill('SIGKILL');
    await gone;
    const ok = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, new RegExp(`removed a stale lock in .* \\(pid ${started.pid} on .*no longer running`));
    assert.match(ok.stdout, /picked 2 micrograph/);
    assert.equal(readRunLock(out), undefined, 'released at the end');
    assert.ok(existsSync(join(out, 'pick-run.json')));
  } finally {
    holder?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
