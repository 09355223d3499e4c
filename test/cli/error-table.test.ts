// Errors a user can hit, one table: each case runs as its own CLI process and must exit 1 with one
// message line naming the file or parameter, no stack, and no new files left behind (except, for
// a full disk, what finished: that run stays resumable). Read-only and full file systems are small
// tmpfs mounts; without the rights to mount them those cases say they are skipped and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { writeMrc } from '../../src/io/mrc.js';
import { writeCoordinates } from '../../src/io/coordinate-formats.js';
import { blobImage } from '../pick/_fake-model.js';
import { makeTinySet } from '../train/_tiny-data.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

function cli(args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

/** Every file and folder under `dir`, relative. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => [prefix + e.name, ...(e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [])]).sort();
}

function mountTmpfs(dir: string, options: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `skipped: cannot mount a tmpfs here (${(r.stderr || r.error?.message || 'mount failed').trim()}); needs root`;
}

/** Progress notes of train and pick (not messages): the usage hint, pick's progress, train's epoch notes. */
const NOTES = /^(\(run with --help for usage\)|pick: .*|epoch \d+\/\d+: evaluating|no test split: .*|resuming after epoch .*|all \d+ epochs were done.*)$/;

function assertOneLine(r: { status: number | null; stderr: string }, code: number, message: RegExp, what: string): void {
  assert.equal(r.status, code, `${what}\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n').filter((l) => !NOTES.test(l));
  assert.equal(lines.length, 1, `${what}: one message line\n${r.stderr}`);
  assert.match(lines[0] as string, message, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, `${what}: no stack`);
}

test('train and pick failures: one located line, exit 1, nothing left behind', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-errors-'));
  const mounts: string[] = [];
  try {
    const mk = async (name: string, size: number, count: number): Promise<{ mics: string; picks: string }> => {
      const mics = join(root, name);
      mkdirSync(mics);
      const all = [];
      for (let k = 0; k < count; k++) {
        await writeMrc(join(mics, `m${k}.mrc`), blobImage(size, size, [{ x: size / 2, y: size / 2, peak: 4 }], 3));
        all.push({ micrograph: `m${k}`, particles: [{ x: size / 2, y: size / 2 }], frame: { binning: 1, yFlipped: false } });
      }
      const picks = join(root, `${name}.star`);
      await writeCoordinates(picks, all as never, 'star');
      return { mics, picks };
    };
    const big = await mk('mics', 160, 3);
    const tiny = await mk('tiny', 32, 3);
    const outside = { mics: big.mics, picks: join(root, 'outside.star') };
    await writeCoordinates(outside.picks, [0, 1, 2].map((k) => ({ micrograph: `m${k}`, particles: [{ x: 400, y: 400 }], frame: { binning: 1, yFlipped: false } })) as never, 'star');
    writeFileSync(join(root, 'garbage.onnx'), 'this is not an onnx model');
    writeFileSync(join(root, 'some_file'), 'x');
    const model = join(root, 'model.onnx');
    await PickerModel.create(defaultConfig('resnet8'), 3).exportOnnx(model, {
      input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 32 },
    });
    const train = (d: { mics: string; picks: string }, ...more: string[]): string[] => ['train', '--micrographs', d.mics, '--picks', d.picks, '--epochs', '1', '--test-fraction', '0', ...more];
    const out = join(root, 'out');
    const cases: { name: string; args: string[]; message: RegExp }[] = [
      { name: 'train -n 5000', args: train(big, '-n', '5000', '-o', out), message: /class prior π = [\d.]+ > 1 is impossible: 5000 particles per micrograph \(--expected-particles\).*must be below \d+/ },
      { name: 'train on 32² micrographs', args: train(tiny, '-n', '10', '-o', out), message: /π = [\d.]+ > 1 is impossible: 10 particles per micrograph \(--expected-particles\).*--label-radius-grid-px/ },
      { name: 'train --init garbage.onnx', args: train(big, '-n', '5', '--init', join(root, 'garbage.onnx'), '-o', out), message: /garbage\.onnx/ },
      { name: 'train -o some_file', args: train(big, '-n', '5', '-o', join(root, 'some_file')), message: /cannot create the output folder .*some_file: a file is in the way/ },
      { name: 'train -o some_file/run', args: train(big, '-n', '5', '-o', join(root, 'some_file', 'run')), message: /some_file.run: a file is in the way/ },
      { name: 'train with every pick outside its micrograph', args: train(outside, '-n', '5', '-o', out), message: /no training pick lies inside its micrograph: 3 of 3 picks lie outside their micrographs \(m\d\.mrc: 1 of 1 outside its 160×160 pixels, .*\); with --picks-binning 0\.25 every pick would lie inside$/ },
      { name: 'pick on 32² micrographs', args: ['pick', tiny.mics, '--model', model, '-o', out], message: /m0\.mrc: .*32 x 32.*smaller than/ },
    ];
    const before = tree(root);
    for (const c of cases) {
      assertOneLine(cli(c.args), 1, c.message, c.name);
      assert.deepEqual(tree(root), before, `${c.name}: no new files`);
    }

    // a read-only output folder
    const ro = join(root, 'ro');
    const roSkip = mountTmpfs(ro, 'ro,size=64k');
    if (roSkip === undefined) {
      mounts.push(ro);
      assertOneLine(cli(['pick', big.mics, '--model', model, '-o', join(ro, 'run')]), 1, /cannot create the output folder .*ro.run: read-only file system/, 'pick --out read-only');
    } else {
      test.skip?.(roSkip);
      process.stderr.write(`# ${roSkip}\n`);
    }

    // a full disk while writing detections: the message names the file and the size; the run is resumable
    const full = join(root, 'full');
    const fullSkip = mountTmpfs(full, 'size=48k');
    if (fullSkip === undefined) {
      mounts.push(full);
      writeFileSync(join(full, 'filler'), Buffer.alloc(48 * 1024 - 8 * 1024));
      const r = cli(['pick', big.mics, '--model', model, '-o', join(full, 'run'), '--threshold', '-100', '--floor', '-1000', '--workers', '1']);
      assertOneLine(r, 1, /cannot write [\d.]+ (bytes|KiB) to .*full.run.* no space left on the device/, 'pick on a full disk');
    } else {
      process.stderr.write(`# ${fullSkip}\n`);
    }
  } finally {
    for (const m of mounts) spawnSync('umount', [m]);
    await rm(root, { recursive: true, force: true });
  }
});

/** Fills the file system of `dir` with `filler` until `leave` bytes are free (0: until full). */
function fill(dir: string, filler: string, leave = 0): void {
  const { bavail, bsize } = statfsSync(dir);
  const want = Math.max(0, bavail * bsize - leave);
  try {
    writeFileSync(filler, Buffer.alloc(want));
  } catch { /* full */ }
  if (leave === 0) {
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(4096));
    } catch { /* full now */ }
  }
}

const temps = (dir: string): string[] => tree(dir).filter((f) => f.endsWith('.tmp'));

test('train on a disk that fills up: one line naming the file, finished epochs kept, resumable; also while exporting the model', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-train-full-'));
  const full = join(root, 'full');
  const skip = mountTmpfs(full, 'size=24m');
  if (skip !== undefined) {
    t.skip(skip);
    await rm(root, { recursive: true, force: true });
    return;
  }
  try {
    const set = await makeTinySet({ count: 3, size: 80, particles: 20, sigma: 2.5, labelled: 0.5, seed: 4 });
    const out = join(full, 'run');
    const filler = join(full, 'filler');
    const args = ['train', '--micrographs', ...set.micrographs, '--picks', set.picks, '-n', '20', '--downsample', '1', '--model', 'conv31', '--units', '32',
      '--mode', 'dense', '--crop-size', '64', '--crops-per-step', '2', '--epochs', '3', '--epoch-size', '30', '--test-fraction', '0', '--threads', '1', '--seed', '5', '-o', out, '--quiet'];
    // the disk fills up once epoch 1 is on disk
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const epochsFile = join(out, 'epochs.jsonl');
    const lines = (): number => (existsSync(epochsFile) ? readFileSync(epochsFile, 'utf8').split('\n').filter(Boolean).length : 0);
    while (lines() === 0 && child.exitCode === null) await delay(5);
    fill(full, filler);
    const status = await new Promise<number | null>((resolve) => { if (child.exitCode !== null) resolve(child.exitCode); else child.on('exit', (c) => resolve(c)); });
    const kept = lines();
    assert.ok(kept >= 1 && kept < 3, `fixture: the disk filled during epoch 2 (${kept} epochs on disk)`);
    assertOneLine({ status, stderr }, 1, new RegExp(`cannot write [\\d.]+ (bytes|KiB|MiB) to .*run.\\S+: no space left on the device; ${kept} of 3 epochs are done and kept: free some space and rerun the same command with --resume to continue$`), 'train on a full disk');
    assert.deepEqual(temps(full), [], 'no half-written file');
    assert.ok(existsSync(join(out, 'checkpoints', `epoch${kept}.ckpt`)));

    rmSync(filler);
    const resumed = spawnSync(process.execPath, [BIN, ...args, '--resume'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming after epoch ${kept} of 3`));
    const model = readFileSync(join(out, 'model.onnx'));

    // the format-writing stage: room for the results tables but not for the model
    const size = (f: string): number => statSync(join(out, f)).size;
    const page = 4096;
    const leave = (Math.ceil(Math.max(size('results.tsv'), size('results.jsonl')) / page) + 2) * page;
    assert.ok(model.length > leave + page, `fixture: the model (${model.length} bytes) is larger than the room left (${leave})`);
    fill(full, filler, leave);
    const exported = spawnSync(process.execPath, [BIN, ...args, '--resume'], { encoding: 'utf8' });
    assertOneLine(exported, 1, /cannot write [\d.]+ KiB to .*model\.onnx: no space left on the device; 3 of 3 epochs are done and kept: free some space and rerun the same command with --resume to continue \(it exports the model again\)$/, 'export on a full disk');
    assert.deepEqual(readFileSync(join(out, 'model.onnx')), model, 'the earlier model is intact');
    assert.deepEqual(temps(full), [], 'no half-written file');
    await rm(set.dir, { recursive: true, force: true });
  } finally {
    spawnSync('umount', [full]);
    await rm(root, { recursive: true, force: true });
  }
});
