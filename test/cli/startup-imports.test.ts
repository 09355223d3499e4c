// Start-up stays cheap: `cryopick --version`, `--help` and registering every command load only
// commander and the light modules that declare options; a command's implementation (and onnxruntime,
// vega, the image readers, ...) is imported when that command runs. Checked by the modules a
// process resolves, not by timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const HOOKS = fileURLToPath(new URL('./_import-log.js', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** Modules of those layers that hold only constants the help text shows (no imports). */
const HELP_CONSTANTS = ['train/self-train-defaults.js', 'train/fine-tune-defaults.js', 'classifier/pick-filter-defaults.js'];

/** The packages and cryopick source files a `cryopick ARGS` process resolves. */
async function imports(args: string[]): Promise<{ packages: string[]; sources: string[]; status: number | null }> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-imports-'));
  try {
    const log = join(dir, 'imports.log');
    const r = spawnSync(process.execPath, ['--import', HOOKS, BIN, ...args], { env: { ...process.env, CRYOPICK_IMPORT_LOG: log }, encoding: 'utf8' });
    const urls = (await readFile(log, 'utf8')).split('\n').filter((u) => u !== '').map((u) => fileURLToPath(u));
    const packages = [...new Set(urls.flatMap((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? []))].sort();
    const sources = [...new Set(urls.filter((p) => p.startsWith(SRC)).map((p) => p.slice(SRC.length)))].sort();
    return { packages, sources, status: r.status };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const args of [['--version'], ['--help'], ['pick', '--help'], ['train', '--help'], ['slurm', 'pick', '--help']]) {
  test(`cryopick ${args.join(' ')} loads commander and no command implementation`, async () => {
    const r = await imports(args);
    assert.equal(r.status, 0);
    assert.deepEqual(r.packages, ['commander']);
    const implementations = r.sources.filter((s) => s.startsWith('cli/commands/') && !/^cli\/commands\/_(renamed|options|train-flags)\.js$/.test(s));
    assert.deepEqual(implementations, [], 'command implementations loaded at start-up');
    for (const layer of ['engine/', 'models/', 'report/', 'train/', 'tune/', 'classifier/', 'web/', 'relion/', 'demo/']) {
      assert.deepEqual(r.sources.filter((s) => s.startsWith(layer) && !HELP_CONSTANTS.includes(s)), [], `${layer} loaded at start-up`);
    }
  });
}

test('a run imports what its command needs, and nothing for options it was not given', async () => {
  // evaluate without --plot: no plotting libraries; the run fails on the missing files (exit 1), after its imports
  const r = await imports(['evaluate', '--pred', '/nonexistent-pred.star', '--ref', '/nonexistent-ref.star']);
  assert.equal(r.status, 1);
  assert.ok(r.sources.includes('cli/commands/evaluate.js'), 'evaluate ran');
  for (const p of ['vega', 'vega-lite', '@resvg/resvg-js']) assert.ok(!r.packages.includes(p), `${p} loaded without --plot`);
});
