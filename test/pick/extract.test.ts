// Extraction from score maps: known blob positions recovered in original pixels through the
// downsampling and the stride (with sub-pixel refinement), border exclusion, floor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractParticles } from '../../src/pick/extract.js';
import { pickImage } from '../../src/pick/pick-image.js';
import { blobImage, fakeModel, type Blob } from './_fake-model.js';
import { gridFrame } from '../../src/image/downsample.js';

const BLOBS: Blob[] = [
  { x: 101.3, y: 60.7, peak: 6 },
  { x: 250.2, y: 200.9, peak: 3 },
  { x: 60.6, y: 300.4, peak: 1 },
  { x: 330.5, y: 90.2, peak: -2 },
];

function nearest(ps: readonly { x: number; y: number }[], b: Blob): number {
  return Math.min(...ps.map((p) => Math.hypot(p.x - b.x, p.y - b.y)));
}

test('dense picking through ×2 binning finds every blob within a pixel, in score order', async () => {
  const image = blobImage(400, 360, BLOBS, 6);
  const d = await pickImage('m.mrc', image, fakeModel(2), { minDistancePx: 40, floor: -6, inference: 'dense', diameterPx: 40 });
  assert.equal(d.particles.length, 4);
  for (const b of BLOBS) assert.ok(nearest(d.particles, b) <= 1.5, `blob at ${b.x},${b.y}`);
  assert.deepEqual(d.particles.map((p) => Math.sign(p.score ?? 0)), [1, 1, 1, -1]);
  assert.equal(d.particles[0]?.diameter, 40);
  assert.deepEqual([d.width, d.height, d.floor], [400, 360, -6]);
  // the floor drops the weak blob
  const hi = await pickImage('m.mrc', image, fakeModel(2), { minDistancePx: 40, floor: 0, inference: 'dense' });
  assert.equal(hi.particles.length, 3);
});

test('strided map with sub-pixel refinement is far closer than the stride', async () => {
  const image = blobImage(400, 360, BLOBS, 8);
  const refined = await pickImage('m', image, fakeModel(1, 4), { minDistancePx: 40, floor: -6, inference: 'strided' });
  const raw = await pickImage('m', image, fakeModel(1, 4), { minDistancePx: 40, floor: -6, inference: 'strided', refine: false });
  const err = (ps: typeof refined.particles): number => BLOBS.reduce((s, b) => s + nearest(ps, b), 0) / BLOBS.length;
  assert.equal(refined.particles.length, 4);
  assert.ok(err(refined.particles) < 1, `mean error ${err(refined.particles)}`);
  assert.ok(err(refined.particles) < err(raw.particles));
});

test('border exclusion and minimum distance in original pixels', () => {
  const w = 50;
  const data = new Float32Array(w * w).fill(-10);
  data[2 * w + 2] = 5; // (2,2) → original (8,8) at factor 4
  data[20 * w + 20] = 4; // (80,80)
  data[20 * w + 23] = 3; // (92,80): 12 px from the previous
  const grid = { data, width: w, height: w, stride: 1 };
  const base = { threshold: 0, frame: gridFrame({ factorX: 4, factorY: 4 }), originalWidth: 200, originalHeight: 200 };
  assert.equal(extractParticles(grid, { ...base, minDistancePx: 10 }).length, 3);
  assert.equal(extractParticles(grid, { ...base, minDistancePx: 16 }).length, 2);
  const inner = extractParticles(grid, { ...base, minDistancePx: 10, borderPx: 10 });
  assert.deepEqual(inner.map((p) => [p.x, p.y]), [[80, 80], [92, 80]]);
  assert.throws(() => extractParticles(grid, { ...base, minDistancePx: 0 }), RangeError);
});

test('a model returning the unpadded ("valid") map still scores particles at the edges', async () => {
  const blobs: Blob[] = [{ x: 6, y: 100, peak: 5 }, { x: 150, y: 150, peak: 5 }];
  const image = blobImage(200, 200, blobs, 4);
  const margin = 20;
  const base = fakeModel(1);
  let calls = 0;
  const valid = {
    ...base,
    async scoreMap(im: typeof image): Promise<Float32Array> {
      calls++;
      const w = im.width - margin;
      const h = im.height - margin;
      const out = new Float32Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = im.data[(y + margin / 2) * im.width + x + margin / 2] as number;
      return out;
    },
  };
  const opts = { minDistancePx: 30, floor: 0, inference: 'dense' as const };
  const first = await pickImage('m', image, valid, opts);
  const reference = await pickImage('m', image, fakeModel(1), opts);
  assert.deepEqual(first.particles, reference.particles);
  assert.equal(first.particles.length, 2);
  await pickImage('m', image, valid, opts);
  assert.equal(calls, 3); // the margin is learnt once: later micrographs are padded up front
});

test('strided refinement raises peak scores toward the true maximum', async () => {
  const image = blobImage(200, 200, [{ x: 102, y: 98, peak: 5 }], 6);
  const raw = await pickImage('m', image, fakeModel(1, 4), { minDistancePx: 30, floor: 0, inference: 'strided', refine: false });
  const refined = await pickImage('m', image, fakeModel(1, 4), { minDistancePx: 30, floor: 0, inference: 'strided' });
  const r = refined.particles[0]?.score ?? 0;
  assert.ok(r > (raw.particles[0]?.score ?? 0) && r <= 5 + 1e-6, `${r}`);
});
