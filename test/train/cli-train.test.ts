// `cryopick train` flags: every parameter has a flag, conflicts are all reported (exit 1), a
// missing expected particle count is a clear error, and a tiny run writes a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRAIN_FLAGS, TRAIN_RENAMED, flagsToParams } from '../../src/cli/commands/_train-flags.js';
import { TrainParamsSchema, parseTrainParams } from '../../src/train/params.js';
import { makeTinySet } from './_tiny-data.js';
import { capture } from '../_cli-capture.js';


test('every training parameter has a kebab-case flag', () => {
  const keys = new Set(TRAIN_FLAGS.map((f) => f.key));
  for (const k of Object.keys(TrainParamsSchema.shape)) assert.ok(keys.has(k as never), `no flag for ${k}`);
  // sizes say their unit: those flags were renamed from the plain kebab-case (old names kept as aliases)
  const renamed = new Map(TRAIN_RENAMED.map((r) => [r.old, r.now]));
  for (const f of TRAIN_FLAGS) {
    const kebab = f.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    // a new size flag says its unit from the start (no old spelling to keep)
    if (f.flag.startsWith(`${kebab}-`)) assert.match(f.flag.slice(kebab.length), /^-(grid-px|px|a)$/, f.flag);
    else assert.equal(f.flag, renamed.get(kebab) ?? kebab);
  }
});

test('flags are converted to numbers; bad numbers are usage errors', () => {
  assert.deepEqual(flagsToParams({ learningRate: '1e-3', batchNorm: false, model: 'conv31' }), { learningRate: 0.001, batchNorm: false, model: 'conv31' });
  assert.throws(() => flagsToParams({ epochs: 'ten' }), /--epochs: expected a number/);
});

test('rescore is on by default for yolo (--no-rescore turns it off) and off for topaz', () => {
  const base = { micrographs: ['a.mrc'], picks: ['p.star'], particleDiameter: 40 };
  assert.equal(parseTrainParams({ ...base, family: 'yolo' }).rescore, true);
  assert.equal(parseTrainParams({ ...base, family: 'yolo', ...flagsToParams({ rescore: false }) }).rescore, false);
  assert.equal(parseTrainParams({ ...base, family: 'yolo', ...flagsToParams({ rescore: true }) }).rescore, true);
  assert.equal(parseTrainParams({ ...base, expectedParticles: 10 }).rescore, false);
});

test('yolo --ignore-iou and --weight-average: off by default, in range, refused for topaz', () => {
  const base = { micrographs: ['a.mrc'], picks: ['p.star'] };
  const yolo = { ...base, family: 'yolo' as const, particleDiameter: 30 };
  const d = parseTrainParams(yolo);
  assert.equal(d.ignoreIou, 1);
  assert.equal(d.weightAverage, 0);
  const on = parseTrainParams({ ...yolo, ...flagsToParams({ ignoreIou: '0.6', weightAverage: '0.995' }) });
  assert.deepEqual([on.ignoreIou, on.weightAverage], [0.6, 0.995]);
  assert.throws(() => parseTrainParams({ ...yolo, weightAverage: 1 }), /weightAverage/);
  assert.throws(() => parseTrainParams({ ...yolo, ignoreIou: 0 }), /ignoreIou/);
  assert.throws(() => parseTrainParams({ ...base, expectedParticles: 10, ignoreIou: 0.6, weightAverage: 0.9 }),
    (e: Error & { problems?: { path: string }[] }) => e.problems?.map((q) => q.path).sort().join(',') === 'ignoreIou,weightAverage');
});

test('forbidden combinations and the missing particle count are reported together, exit 2', async () => {
  const r = await capture(['train', '--micrographs', 'a.mrc', '--picks', 'p.star', '--model', 'conv63', '--pooling', 'max', '--dropout', '0.3']);
  assert.equal(r.code, 2);
  assert.match(r.err, /max pooling is not available for conv63/);
  assert.match(r.err, /dropout is not available for conv63/);
  assert.match(r.err, /expectedParticles: required/);
});

test('a tiny run from the command line writes the model', async () => {
  const set = await makeTinySet({ count: 3, size: 64, particles: 10, sigma: 2, labelled: 0.5, seed: 5 });
  const out = join(set.dir, 'cli-out');
  const r = await capture(['train', '--micrographs', ...set.micrographs, '--picks', set.picks, '-n', '10', '--downsample', '1',
    '--model', 'conv31', '--units', '4', '--crop-size', '48', '--crops-per-step', '2', '--epochs', '1', '--epoch-size', '3',
    '--threads', '1', '--quiet', '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /model: .*model\.onnx \(epoch 1/);
  assert.ok(existsSync(join(out, 'model.onnx')));
  assert.ok(existsSync(join(out, 'precision.svg')) && existsSync(join(out, 'precision.png')));
  assert.ok(existsSync(join(out, 'loss.svg')) && existsSync(join(out, 'lr.png')));
  const flags = ['train', '--micrographs', ...set.micrographs, '--picks', set.picks, '-n', '10', '--downsample', '1',
    '--model', 'conv31', '--units', '4', '--crop-size', '48', '--crops-per-step', '2', '--epochs', '1', '--epoch-size', '3', '--quiet'];
  const resumed = await capture([...flags, '--threads', '2', '--resume', '-o', out]);
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /all 1 epochs were done/);
  const changed = await capture([...flags, '--epoch-size', '4', '--resume', '-o', out]);
  assert.equal(changed.code, 1);
  assert.match(changed.err, /cannot resume .*parameters differ[\s\S]*epochSize: was 3, now 4/);
});

test('--config runs the pipeline: a bad config is a one-line error, exit 1', async () => {
  const set = await makeTinySet({ count: 1, size: 32, particles: 2, sigma: 2, labelled: 1, seed: 6 });
  const cfg = join(set.dir, 'config.json');
  await writeFile(cfg, JSON.stringify({ data: { micrographs: 3 } }));
  const r = await capture(['train', '--config', cfg]);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.err, /internal error/);
});

test('the particle diameter in Å becomes original pixels through the MRC header pixel size; old spellings map with a note', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { writeMrc } = await import('../../src/io/mrc-writer.js');
  const { trainFlagsToParams } = await import('../../src/cli/commands/_train-flags.js');
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-angstrom-'));
  const err = process.stderr.write.bind(process.stderr);
  const notes: string[] = [];
  try {
    await writeMrc(join(dir, 'a.mrc'), { width: 8, height: 8, data: new Float32Array(64), pixelSizeA: 1.6 });
    const fromHeader = await trainFlagsToParams({ micrographs: [dir], particleDiameterA: '160' });
    assert.ok(Math.abs((fromHeader['particleDiameter'] as number) - 100) < 1e-4, 'pixel size 1.6 Å (float32 in the header)');
    const given = await trainFlagsToParams({ micrographs: [dir], particleDiameterA: '160', pixelSizeA: '2' });
    assert.equal(given['particleDiameter'], 80);
    await assert.rejects(trainFlagsToParams({ micrographs: [dir], particleDiameterA: '160', particleDiameterPx: '90' }), /give the diameter once/);
    process.stderr.write = ((chunk: string) => { notes.push(chunk); return true; }) as typeof process.stderr.write;
    const old = await trainFlagsToParams({ particleDiameter: '90', radius: '4' });
    process.stderr.write = err;
    assert.deepEqual([old['particleDiameter'], old['radius']], [90, 4]);
    assert.equal(notes.length, 2);
    assert.match(notes[0] as string, /--radius is deprecated .* use --label-radius-grid-px/);
  } finally {
    process.stderr.write = err;
    await rm(dir, { recursive: true, force: true });
  }
});
