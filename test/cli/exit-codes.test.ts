// Exit codes and the output-flag vocabulary across commands: usage and parameter errors exit 2
// in every command, user-data errors 1, a bug prints its stack and asks for a report; every
// command with an output folder or file takes -o/--out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/errors-to-exit.js';
import { writeMrc } from '../../src/io/mrc.js';
import { makeImage } from '../../src/image/image.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((s) => [s, ...allCommands(s)]);
}

test('every command with an output folder or file takes -o as well as --out', () => {
  const withOut = allCommands(buildProgram()).filter((c) => c.options.some((o) => o.long === '--out'));
  assert.ok(withOut.length >= 10, `${withOut.length} commands have --out`);
  for (const name of ['convert', 'pick', 'simulate', 'train', 'preprocess', 'cross-validate', 'threshold', 'report', 'demo']) {
    assert.ok(withOut.some((c) => c.name() === name), `${name} has --out`);
  }
  for (const c of withOut) assert.equal(c.options.find((o) => o.long === '--out')?.short, '-o', `${c.name()}: -o`);
});

test('usage and parameter errors exit 2, user-data errors 1; one message line, no stack, nothing written', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-exit-'));
  try {
    const mics = join(root, 'mics');
    mkdirSync(mics);
    writeFileSync(join(root, 'empty.mrc'), '');
    writeFileSync(join(root, 'picks.star'), 'data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n10 20\n');
    const out = join(root, 'out');
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      { args: ['train', '--micrographs', mics, '--picks', mics, '-n', '10', '--epochs', '0', '-o', out], code: 2, message: /epochs/ },
      { args: ['train', '--micrographs', mics, '--picks', mics, '-n', '10', '--learning-rate', '-1', '-o', out], code: 2, message: /learningRate/ },
      { args: ['pick', mics, '--model', join(root, 'm.onnx'), '-o', out, '--border-px', '-1'], code: 2, message: /--border-px/ },
      { args: ['convert', join(root, 'picks.star'), '--to', 'box', '-o', join(out, 'x.box'), '--scale', '-1'], code: 2, message: /--scale/ },
      { args: ['evaluate', '--pred', join(root, 'picks.star'), '--ref', join(root, 'picks.star'), '--match-radius-px', '-1'], code: 2, message: /--match-radius-px/ },
      { args: ['tune', '--config', join(root, 'c.json'), '--strategy', 'grid'], code: 2, message: /--strategy/ },
      { args: ['demo', '-o', out, '--epochs', '0'], code: 2, message: /--epochs/ },
      { args: ['pick', mics, '--model', join(root, 'missing.onnx'), '-o', out], code: 1, message: /mics: holds no micrographs/ },
      { args: ['tune', '--config', join(root, 'missing.json')], code: 1, message: /missing\.json/ },
      { args: ['convert', join(root, 'missing.star'), '--to', 'box', '-o', join(out, 'x.box')], code: 1, message: /missing\.star/ },
      { args: ['mrc-info', join(root, 'empty.mrc')], code: 1, message: /empty\.mrc/ },
      // the NaN message suggests --permissive, which pick, train and preprocess accept (test/cli/permissive.test.ts)
      { args: ['preprocess', join(root, 'nan.mrc'), '-o', out], code: 1, message: /nan\.mrc byte 1424: 1 non-finite .*leave this micrograph out, or pass --permissive \(pick, train and preprocess then replace them/ },
    ];
    await writeMrc(join(root, 'nan.mrc'), makeImage(64, 64, new Float32Array(64 * 64).map((_, i) => Math.sin(i))));
    const fd = openSync(join(root, 'nan.mrc'), 'r+');
    writeSync(fd, new Uint8Array(new Float32Array([Number.NaN]).buffer), 0, 4, 1024 + 400);
    closeSync(fd);
    const before = readdirSync(root).sort();
    for (const c of cases) {
      const r = spawnSync(process.execPath, [BIN, ...c.args], { encoding: 'utf8' });
      const what = `cryopick ${c.args.join(' ')}\n${r.stderr}`;
      assert.equal(r.status, c.code, what);
      const lines = r.stderr.trim().split('\n').filter((l) => l !== '(run with --help for usage)');
      assert.equal(lines.length, 1, what);
      assert.match(lines[0] as string, c.message, what);
      assert.doesNotMatch(r.stderr, /\n\s+at /, what);
      assert.deepEqual(readdirSync(root).sort(), before, `${what}: nothing written`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a bug prints its stack and asks for a report, with its own exit code', () => {
  let text = '';
  const code = reportError(new TypeError('cannot read properties of undefined'), (s) => { text += s; });
  assert.equal(code, 70);
  assert.match(text, /internal error: please report it/);
  assert.match(text, /TypeError: cannot read properties of undefined\n\s+at /);
  let fsText = '';
  assert.equal(reportError(Object.assign(new Error('EROFS: read-only file system, open \'/x/y\''), { code: 'EROFS', path: '/x/y' }), (s) => { fsText += s; }), 1);
  assert.equal(fsText, 'cryopick: /x/y: read-only file system\n');
});
