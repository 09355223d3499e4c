// End-to-end test of `cryopick evaluate` on Topaz tables: summary text, JSON report, PR plot
// files, and usage errors for conflicting or malformed options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from '../../src/cli/registry/evaluate.js';
import { UsageError } from '../../src/errors.js';

async function run(args: string[]): Promise<string> {
  const program = new Command('cryopick').exitOverride();
  register(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['evaluate', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('cryopick evaluate prints metrics and writes JSON and PR plots', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-eval-'));
  try {
    const pred = join(dir, 'pred.txt');
    const ref = join(dir, 'ref.txt');
    await writeFile(pred, 'image_name\tx_coord\ty_coord\tscore\nm1\t100\t100\t3\nm1\t300\t300\t1\nm1\t500\t522\t-1\n');
    await writeFile(ref, 'image_name\tx_coord\ty_coord\nm1\t102\t100\nm1\t500\t500\nm1\t700\t700\n');
    const out = await run(['--pred', pred, '--ref', ref, '--diameter-px', '80', '--threshold', '0', '--json', join(dir, 'e.json'), '--plot', join(dir, 'pr.png')]);
    assert.match(out, /precision 0\.500 {2}recall 0\.333/);
    assert.match(out, /AP 0\.333/);
    const json = JSON.parse(await readFile(join(dir, 'e.json'), 'utf8')) as { overall: { tp: number; ap: number }; curve: unknown[] };
    assert.equal(json.overall.tp, 1);
    assert.equal(json.curve.length, 3);
    assert.ok(existsSync(join(dir, 'pr.svg')) && existsSync(join(dir, 'pr.png')));
    // radius 25 px (not 20) matches the third prediction too
    assert.match(await run(['--pred', pred, '--ref', ref, '--diameter-px', '80', '--match-radius-px', '25']), /TP 2, FP 1/);
    await assert.rejects(run(['--pred', pred, '--ref', ref, '--diameter-px', '80', '--match-radius-px', '5', '--iou', '0.6']), UsageError);
    await assert.rejects(run(['--pred', pred, '--ref', ref]), /--diameter-px is needed/);
    await assert.rejects(run(['--pred', pred, '--ref', ref, '--diameter-px', 'x']), /--diameter-px: expected a positive number/);
    // the old spellings keep working for one release, with a note
    const notes: string[] = [];
    const err = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => { notes.push(chunk); return true; }) as typeof process.stderr.write;
    try {
      assert.match(await run(['--pred', pred, '--ref', ref, '--diameter', '80', '--radius', '25']), /TP 2, FP 1/);
    } finally {
      process.stderr.write = err;
    }
    assert.deepEqual(notes, [
      'note: --diameter is deprecated and will be removed in the next release; use --diameter-px\n',
      'note: --radius is deprecated and will be removed in the next release; use --match-radius-px\n',
    ]);
    await assert.rejects(run(['--pred', pred, '--ref', ref, '--diameter', '80', '--diameter-px', '90']), /--diameter is the old name of --diameter-px/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
