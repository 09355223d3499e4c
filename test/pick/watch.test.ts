// On-the-fly picking: a writer process drops micrographs into a folder (one written slowly in
// chunks); `pick --watch` picks each once complete, never a partial file, gives the same
// detections as a plain pick of the final folder, and stops after --idle-timeout or on Ctrl+C; with
// --skip-bad a broken micrograph is skipped and recorded (exit 3), without it the watch stops on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli, snapshotFiles, writeTestMicrographs, writeTestModel } from '../_pick-fixture.js';

const BIN = resolve('dist', 'src', 'cli', 'bin.js');

/** A separate process that copies `files` into `dest` with pauses; file `slow` in 12 chunks over ~2.4 s. */
function writer(files: readonly string[], dest: string, slow: number): Promise<string> {
  const script = `
    const fs = require('node:fs'); const path = require('node:path');
    const files = ${JSON.stringify(files)}; const dest = ${JSON.stringify(dest)};
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      for (let i = 0; i < files.length; i++) {
        const data = fs.readFileSync(files[i]); const target = path.join(dest, path.basename(files[i]));
        if (i === ${slow}) {
          const t0 = Date.now(); const step = Math.ceil(data.length / 12);
          for (let o = 0; o < data.length; o += step) { fs.appendFileSync(target, data.subarray(o, o + step)); await sleep(200); }
          console.log('slow file written in ' + (Date.now() - t0) + ' ms');
        } else {
          fs.writeFileSync(target, data);
        }
        await sleep(300);
      }
    })();`;
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`writer exited with ${code}`))));
  });
}

test('pick --watch picks files as they become complete and stops after --idle-timeout', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-watch-'));
  try {
    const model = await writeTestModel(join(dir, 'model.onnx'));
    const sources = await writeTestMicrographs(join(dir, 'source'), 5);
    const incoming = join(dir, 'incoming');
    await mkdir(incoming);
    const opts = ['--model', model, '--threshold', '-2', '--floor', '-8', '--format', 'star,box', '--workers', '1'];
    const watching = runCli(['pick', '--watch', incoming, ...opts, '--out', join(dir, 'live'), '--poll', '1', '--idle-timeout', '3']);
    const log = await writer(sources, incoming, 2);
    const text = await watching;
    assert.match(log, /slow file written in \d+ ms/);
    assert.ok(Number(/in (\d+) ms/.exec(log)?.[1]) >= 2000, 'the slow file stayed partial across several polls');
    assert.match(text, /watch stopped \(no new micrograph for 3 s\): picked 5 micrograph\(s\), 5 in /);
    // the same detections and outputs as picking the finished folder in one go
    await runCli(['pick', incoming, ...opts, '--out', join(dir, 'batch')]);
    const live = await snapshotFiles(join(dir, 'live'));
    const batch = await snapshotFiles(join(dir, 'batch'));
    for (const [name, content] of Object.entries(batch)) {
      if (name.startsWith('detections/') || name.startsWith('box/') || name.startsWith('relion/mic_')) assert.equal(live[name], content, name);
    }
    const manifest = JSON.parse(await readFile(join(dir, 'live', 'pick-run.json'), 'utf8')) as { micrographs: string[] };
    assert.equal(manifest.micrographs.length, 5);
    // a later session with --resume picks only what is new
    await writeTestMicrographs(incoming, 1, 7);
    assert.match(await runCli(['pick', '--watch', incoming, ...opts, '--out', join(dir, 'live'), '--resume', '--poll', '0.3', '--idle-timeout', '1']), /picked 1 micrograph\(s\) \(5 already done\), 6 in /);
    await assert.rejects(runCli(['pick', join(dir, 'source'), '--watch', incoming, ...opts, '--out', join(dir, 'x')]), /--watch picks the micrographs of its folder/);
    await assert.rejects(runCli(['pick', '--watch', join(dir, 'nowhere'), ...opts, '--out', join(dir, 'y'), '--idle-timeout', '1']), /does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pick --watch stops cleanly on Ctrl+C (SIGINT) with what it picked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-watch-int-'));
  try {
    const model = await writeTestModel(join(dir, 'model.onnx'));
    await writeTestMicrographs(join(dir, 'incoming'), 2);
    const child = spawn(process.execPath, [BIN, 'pick', '--watch', join(dir, 'incoming'), '--model', model, '--out', join(dir, 'live'), '--poll', '0.3', '--threshold', '-2', '--floor', '-8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((res) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/\+2 micrograph/.test(err)) child.kill('SIGINT');
      });
      child.on('exit', (c) => res(c));
    });
    assert.equal(code, 0, err);
    assert.match(out, /watch stopped \(interrupted\): picked 2 micrograph\(s\), 2 in /);
    const files = await snapshotFiles(join(dir, 'live'));
    assert.ok('relion/autopick.star' in files && 'detections/mic_001.tsv' in files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pick --watch --skip-bad skips a broken micrograph, records it, goes on, and picks it once fixed (--resume)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-watch-bad-'));
  try {
    const model = await writeTestModel(join(dir, 'model.onnx'));
    const incoming = join(dir, 'incoming');
    const [spare] = await writeTestMicrographs(join(dir, 'spare'), 1, 9);
    await writeTestMicrographs(incoming, 3);
    await writeFile(join(incoming, 'mic_broken.mrc'), 'not an MRC file, but stable in size'.repeat(40));
    const watch = (out: string, ...extra: string[]) => spawnSync(process.execPath, [BIN, 'pick', '--watch', incoming, '--model', model, '--out', join(dir, out),
      '--threshold', '-2', '--floor', '-8', '--poll', '0.3', '--idle-timeout', '1', ...extra], { encoding: 'utf8' });
    const strict = watch('strict');
    assert.equal(strict.status, 1, strict.stderr);
    assert.match(strict.stderr, /^cryopick: .*mic_broken\.mrc/m);
    assert.doesNotMatch(strict.stderr, /\n\s+at /, 'no stack');

    const lenient = watch('live', '--skip-bad');
    assert.equal(lenient.status, 3, lenient.stderr);
    assert.match(lenient.stderr, /pick: skipped .*mic_broken\.mrc/);
    assert.match(lenient.stdout, /watch stopped \(no new micrograph for 1 s\): picked 3 micrograph\(s\), 3 in /);
    assert.match(lenient.stderr, /cryopick: 1 micrograph\(s\) could not be picked and were skipped .*failed-micrographs\.tsv/);
    const failed = await readFile(join(dir, 'live', 'failed-micrographs.tsv'), 'utf8');
    assert.equal(failed.trim().split('\n').length, 2);
    assert.match(failed, /mic_broken\.mrc\t/);
    assert.ok(existsSync(join(dir, 'live', 'relion', 'autopick.star')), 'outputs of the good micrographs written');
    assert.doesNotMatch(await readFile(join(dir, 'live', 'relion', 'autopick.star'), 'utf8'), /mic_broken/);

    // the file is replaced by a good one: a resumed watch picks only it and clears the record
    await copyFile(spare as string, join(incoming, 'mic_broken.mrc'));
    const fixed = watch('live', '--skip-bad', '--resume');
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fixed.stdout, /picked 1 micrograph\(s\) \(3 already done\), 4 in /);
    assert.ok(!existsSync(join(dir, 'live', 'failed-micrographs.tsv')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
