// Label masks, split by micrograph and sampler balance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeImage } from '../../src/image/image.js';
import { countPositive, labelMask } from '../../src/train/labels.js';
import { splitMicrographs } from '../../src/train/split.js';
import { PatchSampler } from '../../src/train/sampler.js';
import { DenseSampler, fillTransformed } from '../../src/train/dense-sampler.js';
import { trainingRandom } from '../../src/train/split.js';
import type { LabelledMicrograph } from '../../src/train/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { gridFrame } from '../../src/image/downsample.js';

function mic(name: string, w: number, h: number, picks: { x: number; y: number }[], r = 3): LabelledMicrograph {
  const data = new Float32Array(w * h).map((_, i) => i);
  return { name, image: makeImage(w, h, data), frame: gridFrame({ factorX: 1, factorY: 1 }), originalWidth: w, originalHeight: h, picks, mask: labelMask(w, h, picks, r) };
}

test('label mask: disks of the radius, clipped at borders', () => {
  const m = labelMask(20, 20, [{ x: 10, y: 10 }, { x: 0, y: 0 }], 3);
  assert.equal(countPositive(labelMask(20, 20, [{ x: 10, y: 10 }], 3)), 29);
  assert.equal(m[10 * 20 + 13], 1);
  assert.equal(m[10 * 20 + 14], 0);
  assert.equal(m[0], 1);
  assert.equal(countPositive(m), 29 + 11); // a quarter disk at the corner: 1+3+3+4 ... counted exactly
});

test('split by micrograph: disjoint, covers all, deterministic, explicit names win', () => {
  const names = Array.from({ length: 10 }, (_, i) => `mic${i}.mrc`);
  const a = splitMicrographs(names, 0.3, [], 1);
  assert.equal(a.test.length, 3);
  assert.equal(a.train.length, 7);
  assert.deepEqual([...a.train, ...a.test].sort(), names.slice().sort());
  assert.deepEqual(splitMicrographs(names, 0.3, [], 1), a);
  const e = splitMicrographs(names, 0.3, ['/data/MIC2', 'mic5'], 1);
  assert.deepEqual(e.test, ['mic2.mrc', 'mic5.mrc']);
  assert.equal(splitMicrographs(names, 0, [], 1).test.length, 0);
  assert.throws(() => splitMicrographs(names, 0, ['nope'], 1), ConfigError);
});

test('patch sampler: balance fraction of positives, crops centred on the pixel', () => {
  const ms = [mic('a', 64, 64, [{ x: 20, y: 20 }, { x: 40, y: 44 }]), mic('b', 64, 64, [])];
  const s = new PatchSampler(ms, { size: 9, balance: 0.25, excludeLabelled: true, augment: false }, trainingRandom(3));
  const b = s.sample(4000);
  const frac = b.y.reduce((a, v) => a + v, 0) / 4000;
  assert.ok(Math.abs(frac - 0.25) < 0.03, `positive fraction ${frac}`);
  // Without augmentation the centre pixel of each crop is the image value (value = pixel index).
  for (let i = 0; i < 50; i++) {
    const centre = b.x[i * 81 + 40] as number;
    const isPos = ms[0]!.mask[centre] === 1 && centre < 64 * 64;
    if (b.y[i] === 1) assert.ok(isPos);
  }
  const natural = new PatchSampler(ms, { size: 9, balance: 0, excludeLabelled: true, augment: true }, trainingRandom(4)).sample(2000);
  assert.equal(natural.y.reduce((a, v) => a + v, 0), 0); // PN/GE: unlabelled draws skip labelled pixels
});

test('dense sampler: labels line up with the image under the 8 symmetries', () => {
  const m = mic('a', 50, 40, [{ x: 25, y: 20 }], 2);
  const s = new DenseSampler([m], { crop: 20, out: 10, offset: 5, balance: 1, augment: true }, trainingRandom(5));
  const b = s.sample(64);
  let positives = 0;
  for (let k = 0; k < 64; k++) {
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        const v = b.x[k * 400 + (i + 5) * 20 + (j + 5)] as number; // image value = pixel index
        const lab = b.y[k * 100 + i * 10 + j] as number;
        assert.equal(lab, m.mask[v]);
        positives += lab;
      }
    }
  }
  assert.ok(positives > 0);
  const dst = new Float32Array(9);
  fillTransformed(3, 0, (i, j) => i * 3 + j, dst, 0);
  assert.deepEqual([...dst], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});
