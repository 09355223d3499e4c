// --permissive on pick, train (flags and --config) and preprocess: an MRC with NaN pixels and one with
// a header departing from MRC2014 are refused by default (the message names the file and suggests
// --permissive) and read with one warning each (naming the file) when the flag is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { makeTinySet } from '../train/_tiny-data.js';
import { writeTinyPipeline } from '../tune/_tiny-pipeline.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

function poke(path: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

test('pick, train and preprocess refuse NaN pixels and odd headers by default and read them with --permissive', async () => {
  const set = await makeTinySet({ count: 3, size: 160, particles: 20, sigma: 2.5, labelled: 0.5, seed: 2 });
  const root = await mkdtemp(join(tmpdir(), 'cryopick-permissive-'));
  try {
    const [nan, odd] = [set.micrographs[0] as string, set.micrographs[1] as string];
    poke(nan, 1024 + 4 * 500, new Uint8Array(new Float32Array([Number.NaN, Number.POSITIVE_INFINITY]).buffer));
    poke(odd, 208, new TextEncoder().encode('XXXX')); // the map ID 'MAP ' (a departure the data survives)
    const model = join(root, 'model.onnx');
    await PickerModel.create(defaultConfig('resnet8'), 3).exportOnnx(model, {
      input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 16 },
    });
    const commands: Record<string, (out: string) => string[]> = {
      preprocess: (out) => ['preprocess', ...set.micrographs, '-o', out, '--normalize', 'standardize', '-t', '1'],
      pick: (out) => ['pick', ...set.micrographs, '--model', model, '-o', out],
      train: (out) => ['train', '--micrographs', ...set.micrographs, '--picks', set.picks, '-n', '20', '--downsample', '1', '--model', 'conv31', '--units', '8',
        '--mode', 'dense', '--crop-size', '64', '--crops-per-step', '2', '--epochs', '1', '--epoch-size', '2', '--test-fraction', '0', '--threads', '1', '-o', out],
    };
    for (const [name, args] of Object.entries(commands)) {
      const strict = cli(args(join(root, `${name}-strict`)));
      assert.equal(strict.status, 1, `${name}\n${strict.stderr}`);
      assert.match(strict.stderr, /^cryopick: .*mic\d\.mrc byte \d+: .*--permissive/m, name);
      assert.doesNotMatch(strict.stderr, /\n\s+at /, `${name}: no stack`);

      const lenient = cli([...args(join(root, `${name}-permissive`)), '--permissive']);
      assert.equal(lenient.status, 0, `${name}\n${lenient.stderr}`);
      assert.match(lenient.stderr, /warning: .*mic0\.mrc byte 3024: 2 non-finite pixel value\(s\) \(NaN or ±Inf\), the first at byte 3024; replaced by the mean of the other pixels \(--permissive\)/, name);
      assert.match(lenient.stderr, /warning: .*mic1\.mrc byte 208: expected map ID 'MAP ' at byte 208, found 'XXXX'.* \(--permissive\)/, name);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(set.dir, { recursive: true, force: true });
  }
});

test('train --config: every training and the test evaluation read with --permissive; refused without it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-permissive-config-'));
  try {
    const config = await writeTinyPipeline(root, 5, { runName: 'p', lrScheduler: { kind: 'constant', lr: 1e-3 } });
    const mics = join(root, 'sim', 'micrographs');
    for (const f of readdirSync(mics).filter((n) => n.endsWith('.mrc'))) {
      const extended = new DataView(readFileSync(join(mics, f)).buffer).getInt32(92, true);
      poke(join(mics, f), 1024 + extended + 4 * 300, new Uint8Array(new Float32Array([Number.NaN]).buffer));
    }
    const strict = cli(['train', '--config', config]);
    assert.equal(strict.status, 1, strict.stderr);
    assert.match(strict.stderr, /^cryopick: .*sim_\d+\.mrc byte \d+: .*--permissive/m);
    assert.doesNotMatch(strict.stderr, /\n\s+at /, 'no stack');
    const lenient = cli(['train', '--config', config, '--permissive', '--overwrite']);
    assert.equal(lenient.status, 0, lenient.stderr);
    // every micrograph is read, by the final training or by the test evaluation, each with one warning
    const warned = new Set([...lenient.stderr.matchAll(/warning: .*(sim_\d+\.mrc) byte \d+: 1 non-finite pixel value.*\(--permissive\)/g)].map((m) => m[1]));
    assert.equal(warned.size, 5, lenient.stderr);
    assert.match(lenient.stdout, /model: .*model\.onnx/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
