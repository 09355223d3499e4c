// The yolo family end to end through the CLI: `train --family yolo` (the shared trainer:
// checkpoints, resume, epochs table), then `pick` writing boxes with their estimated sizes to
// .cbox and .box, the size filter, test-time augmentation, and one clear error for size filters on a topaz model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModel } from '../../src/engine/index.js';
import { makeTinySet } from './_tiny-data.js';
import { capture } from '../_cli-capture.js';


test('yolo parameters are checked together: diameter needed, crop a multiple of 32; no expected count needed', async () => {
  const r = await capture(['train', '--family', 'yolo', '--micrographs', 'a.mrc', '--picks', 'p.star', '--crop-size', '100']);
  assert.equal(r.code, 2);
  assert.match(r.err, /particleDiameter.*anchor box/);
  assert.match(r.err, /multiple of 32, got 100/);
  assert.doesNotMatch(r.err, /expectedParticles/);
});

test('train --family yolo, resume, then pick writes estimated box sizes; --min-size filters them', async () => {
  const set = await makeTinySet({ count: 3, size: 128, particles: 12, sigma: 3, labelled: 1, seed: 3 });
  const out = join(set.dir, 'run');
  const args = ['train', '--family', 'yolo', '--micrographs', ...set.micrographs, '--picks', set.picks, '--particle-diameter-px', '16',
    '--downsample', '1', '--normalize', 'standard', '--crop-size', '64', '--epochs', '2', '--epoch-size', '3', '--test-fraction', '0.34',
    '--width-multiplier', '0.125', '--threads', '1', '--out', out];
  const r = await capture(args);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(out, 'model.onnx')) && existsSync(join(out, 'checkpoints')));
  const md = parseModel(new Uint8Array(await readFile(join(out, 'model.onnx')))).metadata;
  assert.equal(md['cryopick.family'], 'yolo');
  assert.equal(JSON.parse(md['cryopick.architecture'] ?? '{}').passthrough, 'upsample');
  const epochs = (await readFile(join(out, 'epochs.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { particleAp?: number });
  assert.equal(epochs.length, 2);
  assert.ok(epochs.every((e) => typeof e.particleAp === 'number'), 'every epoch has the particle AP of the boxes');
  const again = await capture([...args, '--resume']);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err + again.out, /all 2 epochs were done/);

  const picked = join(set.dir, 'picked');
  const p = await capture(['pick', ...set.micrographs, '--model', join(out, 'model.onnx'), '--out', picked, '--format', 'cbox,box', '--threshold', '0']);
  assert.equal(p.code, 0, p.err);
  const cboxDir = join(picked, (await readdir(picked)).find((f) => f.includes('cbox')) ?? 'cbox');
  const cbox = await readFile(join(cboxDir, (await readdir(cboxDir))[0] as string), 'utf8');
  const rows = cbox.split('\n').filter((l) => /^\s*-?\d/.test(l)).map((l) => l.trim().split(/\s+/));
  assert.ok(rows.length > 0, 'some boxes were written');
  const est = rows.map((c) => Number(c[6]));
  assert.ok(est.every((v) => v > 0 && Number.isFinite(v)), 'every box has an _EstWidth');
  const median = [...est].sort((a, b) => a - b)[est.length >> 1] as number;
  const filtered = join(set.dir, 'filtered');
  const f = await capture(['pick', ...set.micrographs, '--model', join(out, 'model.onnx'), '--out', filtered, '--format', 'cbox', '--threshold', '0', '--min-size', String(median + 1e-3)]);
  assert.equal(f.code, 0, f.err);
  const count = (text: string): number => Number(/(\d+) particles at score/.exec(text)?.[1]);
  assert.ok(count(f.out) < count(p.out), `--min-size keeps fewer boxes (${count(f.out)} of ${count(p.out)})`);
  // --tta averages the heads of flipped copies: other scores than one pass
  const tta = await capture(['pick', ...set.micrographs, '--model', join(out, 'model.onnx'), '--out', join(set.dir, 'tta'), '--format', 'cbox', '--threshold', '0', '--tta', 'flips']);
  assert.equal(tta.code, 0, tta.err);
  const scores = async (dir: string): Promise<string> => {
    const d = join(dir, (await readdir(dir)).find((x) => x.includes('cbox')) ?? 'cbox');
    return (await readFile(join(d, (await readdir(d))[0] as string), 'utf8')).split('\n').filter((l) => /^\s*-?\d/.test(l)).map((l) => l.trim().split(/\s+/)[4]).join(',');
  };
  assert.notEqual(await scores(join(set.dir, 'tta')), await scores(picked), '--tta flips changes the yolo scores');
});

test('yolo --input-size / --patches: crYOLO\'s resize of the short side (and patch mode) becomes the recorded downsampling factor', async () => {
  const bad = await capture(['train', '--micrographs', 'a.mrc', '--picks', 'p.star', '-n', '5', '--input-size', '100', '--patches', '2', '--downsample', '2', '--rescore']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /yolo family's/);
  assert.match(bad.err, /inputSize: must be a multiple of 32 .*got 100/);
  assert.match(bad.err, /either --input-size .* or --downsample/);
  assert.match(bad.err, /rescore is the yolo family's confidence target/);
  const lone = await capture(['train', '--family', 'yolo', '--micrographs', 'a.mrc', '--picks', 'p.star', '--particle-diameter-px', '9', '--patches', '2']);
  assert.match(lone.err, /give --input-size too/);

  const set = await makeTinySet({ count: 2, size: 128, particles: 8, sigma: 3, labelled: 1, seed: 5 });
  const out = join(set.dir, 'run-input');
  const r = await capture(['train', '--family', 'yolo', '--micrographs', ...set.micrographs, '--picks', set.picks, '--particle-diameter-px', '16',
    '--input-size', '32', '--patches', '2', '--normalize', 'standard', '--crop-size', '32', '--epochs', '1', '--epoch-size', '1', '--test-fraction', '0',
    '--width-multiplier', '0.125', '--threads', '1', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err + r.out, /downsampling by 2\.000 so the short side \(128 px.*becomes 64 px \(2 × 2 patches of 32 px\)/);
  const md = parseModel(new Uint8Array(await readFile(join(out, 'model.onnx')))).metadata;
  assert.deepEqual(JSON.parse(md['cryopick.input'] ?? '{}').preprocess.downsample, { kind: 'factor', factor: 2, method: 'fourier' });
  assert.equal(JSON.parse(md['cryopick.architecture'] ?? '{}').anchor, 8, 'the anchor is the diameter in downsampled pixels');
});
