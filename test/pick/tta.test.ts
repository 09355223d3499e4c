// Test-time augmentation: the transforms invert exactly, strided grids stay aligned after flips
// of images whose size is not a multiple of the stride, averaging is what it claims, and a
// pick run refuses to resume with a different augmentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTransform, augmentedScoreGrid, invertTransform, transformsOf } from '../../src/pick/tta.js';
import type { ScoreGrid } from '../../src/pick/extract.js';
import type { Image2D } from '../../src/image/image.js';
import { pickImage } from '../../src/pick/pick-image.js';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { ConfigError } from '../../src/errors.js';
import { blobImage, fakeModel } from './_fake-model.js';
import { PickerModel } from '../../src/models/picker-model.js';
import { defaultConfig } from '../../src/models/topaz/spec.js';
import { loadScoreModel } from '../../src/pick/score-model.js';

const ramp = (w: number, h: number): Image2D => ({ width: w, height: h, data: Float32Array.from({ length: w * h }, (_, i) => i * 1.5 - 7) });

test('every transform is undone by its inverse; the modes have 1, 4 and 8 distinct transforms', () => {
  const g = ramp(5, 3);
  assert.deepEqual(['none', 'flips', 'dihedral'].map((m) => transformsOf(m as 'none').length), [1, 4, 8]);
  const seen = new Set<string>();
  for (const t of transformsOf('dihedral')) {
    const moved = applyTransform(g, t);
    assert.deepEqual([moved.width, moved.height], t.transpose ? [3, 5] : [5, 3]);
    seen.add(Array.from(moved.data).join(','));
    assert.deepEqual(Array.from(invertTransform(moved, t).data), Array.from(g.data));
  }
  assert.equal(seen.size, 8);
});

test('an equivariant network gives the same dense and strided grids with and without augmentation', async () => {
  // 23 × 18 is not 1 + a multiple of the stride 4: without the alignment padding the flipped samples would miss the grid
  const image = ramp(23, 18);
  for (const stride of [1, 4]) {
    const model = fakeModel(1, stride);
    const strided = model.scoreMapStrided?.bind(model);
    assert.ok(strided);
    const score = stride === 1
      ? async (img: Image2D): Promise<ScoreGrid> => ({ data: await model.scoreMap(img), width: img.width, height: img.height, stride: 1 })
      : strided;
    const plain = await augmentedScoreGrid(image, score, 'none');
    for (const mode of ['flips', 'dihedral'] as const) {
      const calls = model.calls;
      const tta = await augmentedScoreGrid(image, score, mode);
      assert.equal(model.calls - calls, transformsOf(mode).length);
      assert.deepEqual([tta.width, tta.height, tta.stride], [plain.width, plain.height, stride]);
      for (let i = 0; i < plain.data.length; i++) assert.ok(Math.abs((tta.data[i] as number) - (plain.data[i] as number)) < 1e-4, `${mode} stride ${stride} at ${i}`);
    }
  }
});

test('a network biased along x is averaged: flips turn the bias x into its mean (w − 1)/2', async () => {
  const image = ramp(9, 4);
  const score = async (img: Image2D): Promise<ScoreGrid> => ({
    data: img.data.map((v, i) => v + (i % img.width)), width: img.width, height: img.height, stride: 1,
  });
  const tta = await augmentedScoreGrid(image, score, 'flips');
  for (let i = 0; i < image.data.length; i++) assert.ok(Math.abs((tta.data[i] as number) - ((image.data[i] as number) + 4)) < 1e-4);
  const none = await augmentedScoreGrid(image, score, 'none');
  assert.equal(none.data[8], (image.data[8] as number) + 8);
});

test('picking with augmentation finds the same particles; resuming with another augmentation is refused', async () => {
  const blobs = [{ x: 60, y: 50, peak: 5 }, { x: 150, y: 120, peak: 3 }];
  const image = blobImage(203, 171, blobs, 6);
  const opts = { minDistancePx: 40, floor: -6, inference: 'strided' as const };
  const plain = await pickImage('m', image, fakeModel(1, 4), opts);
  const tta = await pickImage('m', image, fakeModel(1, 4), { ...opts, testTimeAugmentation: 'dihedral' });
  assert.equal(tta.particles.length, plain.particles.length);
  plain.particles.forEach((p, k) => assert.ok(Math.hypot(p.x - (tta.particles[k]?.x ?? NaN), p.y - (tta.particles[k]?.y ?? NaN)) < 0.5));
  const root = await mkdtemp(join(tmpdir(), 'cryopick-tta-'));
  try {
    const run = { ...opts, inference: 'dense' as const, outDir: root, readImage: async (): Promise<Image2D> => image, modelId: 'fake' };
    await pickMicrographs(['a.mrc'], fakeModel(1), { ...run, testTimeAugmentation: 'flips' });
    await assert.rejects(pickMicrographs(['a.mrc'], fakeModel(1), { ...run, resume: true }), (e: unknown) =>
      e instanceof ConfigError && /testTimeAugmentation/.test(JSON.stringify(e.problems)));
    const again = await pickMicrographs(['a.mrc'], fakeModel(1), { ...run, resume: true, testTimeAugmentation: 'flips' });
    assert.equal(again.skipped, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('with a real (untrained, not symmetric) network the dihedral average is equivariant: flip in, flip out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-tta-net-'));
  try {
    const path = join(dir, 'model.onnx');
    await PickerModel.create(defaultConfig('resnet8'), 5).exportOnnx(path, { input: { preprocess: { downsample: { kind: 'none' }, normalize: { kind: 'none' } }, particleDiameter: 20 } });
    const model = await loadScoreModel(path, { threads: 1 });
    try {
      const image = blobImage(41, 30, [{ x: 12, y: 9, peak: 3 }, { x: 30, y: 20, peak: 1 }], 3);
      const dense = async (img: Image2D): Promise<ScoreGrid> => ({ data: await model.scoreMap(img), width: img.width, height: img.height, stride: 1 });
      const flipX = transformsOf('flips')[1] as (ReturnType<typeof transformsOf>)[number];
      const direct = await augmentedScoreGrid(image, dense, 'dihedral');
      const viaFlip = invertTransform(await augmentedScoreGrid(applyTransform(image, flipX), dense, 'dihedral'), flipX);
      const plain = await augmentedScoreGrid(image, dense, 'none');
      const viaFlipPlain = invertTransform(await augmentedScoreGrid(applyTransform(image, flipX), dense, 'none'), flipX);
      const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
      assert.ok(maxDiff(direct.data, viaFlip.data) < 1e-3, `augmented: ${maxDiff(direct.data, viaFlip.data)}`);
      assert.ok(maxDiff(plain.data, viaFlipPlain.data) > 1e-2, 'the untrained network itself is not flip-equivariant');
    } finally {
      await model.release?.();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
