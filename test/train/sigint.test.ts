// Ctrl+C on the real CLI process: the first SIGINT finishes the step, exports the best model so
// far and exits 0; a second SIGINT exits at once (130) and leaves no half-written file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseModel } from '../../src/engine/onnx-serialize.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTinySet } from './_tiny-data.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function startTraining(args: string[]): { done: Promise<number | null>; child: ReturnType<typeof spawn>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, 'train', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout?.on('data', () => {});
  const done = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { done, child, stderr: () => err };
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for the training to start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const args = (m: string[], p: string, out: string): string[] => ['--micrographs', ...m, '--picks', p, '-n', '10', '--downsample', '1',
  '--model', 'conv31', '--units', '4', '--crop-size', '48', '--crops-per-step', '2', '--epochs', '1000', '--epoch-size', '2',
  '--test-fraction', '0.34', '--threads', '1', '--quiet', '-o', out];

test('first Ctrl+C exports the best model so far and exits 0', async () => {
  const set = await makeTinySet({ count: 3, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 8 });
  const out = join(set.dir, 'out');
  const run = startTraining(args(set.micrographs, set.picks, out));
  await waitFor(() => run.stderr().includes('epoch 2/'), 60_000);
  run.child.kill('SIGINT');
  assert.equal(await run.done, 0, run.stderr());
  assert.ok(existsSync(join(out, 'model.onnx')));
  assert.ok(existsSync(join(out, 'summary.json')));
  assert.match(run.stderr(), /finishing the current step/);
});

test('second Ctrl+C exits at once without half-written files', async () => {
  const set = await makeTinySet({ count: 3, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 9 });
  const out = join(set.dir, 'out');
  const run = startTraining(args(set.micrographs, set.picks, out));
  await waitFor(() => run.stderr().includes('epoch 1/'), 60_000);
  run.child.kill('SIGINT');
  run.child.kill('SIGINT');
  const code = await run.done;
  assert.ok(code === 130 || code === 0, `exit code ${code}`);
  // Files under their final names are complete (temp files may remain; they never replace a good file).
  for (const f of readdirSync(out, { recursive: true }).map(String).filter((x) => !x.endsWith('.tmp'))) {
    if (f.endsWith('.tsv') || f.endsWith('.jsonl')) assert.ok(readFileSync(join(out, f), 'utf8').endsWith('\n'), `${f} complete`);
    if (f.endsWith('.onnx')) parseModel(new Uint8Array(readFileSync(join(out, f))));
  }
});
