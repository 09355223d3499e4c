// Score-map smoothing: a weighted mean that keeps constants and mass, repeats edge scores outward, scales with the downsampling
// and stride, ranks a broad particle response above a one-pixel spike, is recorded by pick runs
// and rejects impossible values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smoothScoreGrid } from '../../src/pick/smooth.js';
import type { ScoreGrid } from '../../src/pick/extract.js';
import type { Image2D } from '../../src/image/image.js';
import { detectionsOf, pickImage, scoreImage, smoothScored } from '../../src/pick/pick-image.js';
import { pickMicrographs, readManifest } from '../../src/pick/pick-run.js';
import { ConfigError } from '../../src/errors.js';
import { blobImage, fakeModel } from './_fake-model.js';
import { gridFrame } from '../../src/image/downsample.js';

const grid = (width: number, height: number, f: (x: number, y: number) => number, stride = 1): ScoreGrid => ({
  width, height, stride, data: Float32Array.from({ length: width * height }, (_, i) => f(i % width, Math.floor(i / width))),
});

test('a constant map stays constant, edges included; an impulse spreads symmetrically and keeps its mass', () => {
  const flat = smoothScoreGrid(grid(9, 7, () => -4), 2);
  for (const v of flat.data) assert.ok(Math.abs(v + 4) < 1e-5);
  const impulse = smoothScoreGrid(grid(31, 31, (x, y) => (x === 15 && y === 15 ? 1 : 0)), 2);
  let mass = 0;
  for (const v of impulse.data) mass += v;
  assert.ok(Math.abs(mass - 1) < 1e-4, `mass ${mass}`);
  const at = (x: number, y: number): number => impulse.data[y * 31 + x] as number;
  assert.ok(Math.abs(at(13, 15) - at(17, 15)) < 1e-7 && Math.abs(at(15, 13) - at(13, 15)) < 1e-7);
  // Gaussian profile: the value 2 px out is exp(−1/2) of the centre's along an axis.
  assert.ok(Math.abs(at(17, 15) / at(15, 15) - Math.exp(-0.5)) < 1e-3);
  // beyond an edge the edge value repeats: a step up at the border keeps the border pixel above the mean of its inside neighbours
  const edge = smoothScoreGrid(grid(20, 1, (x) => (x === 0 ? 8 : 0)), 1);
  const total = 1 + 2 * Math.exp(-0.5) + 2 * Math.exp(-2) + 2 * Math.exp(-4.5);
  // x = 0 sees taps at −3…0 (all the edge value 8) and 1…3 (zeros)
  const expected = (8 * (1 + Math.exp(-0.5) + Math.exp(-2) + Math.exp(-4.5))) / total;
  assert.ok(Math.abs((edge.data[0] as number) - expected) < 1e-5, `edge ${edge.data[0]} vs ${expected}`);
});

test('above σ = 8 three box passes stand in for the Gaussian: same mass, variance within 3 %, constants kept', () => {
  const n = 201;
  for (const sigma of [8, 8.5, 12, 20]) {
    const out = smoothScoreGrid(grid(n, n, (x, y) => (x === 100 && y === 100 ? 1 : 0)), sigma);
    let mass = 0;
    let second = 0;
    for (let i = 0; i < out.data.length; i++) {
      const v = out.data[i] as number;
      mass += v;
      second += v * ((i % n) - 100) ** 2;
    }
    assert.ok(Math.abs(mass - 1) < 1e-4, `σ ${sigma}: mass ${mass}`);
    assert.ok(Math.abs(Math.sqrt(second / mass) / sigma - 1) < 0.03, `σ ${sigma}: measured σ ${Math.sqrt(second / mass)}`);
  }
  const flat = smoothScoreGrid(grid(40, 30, () => 2.5), 15);
  for (const v of flat.data) assert.ok(Math.abs(v - 2.5) < 1e-5);
});

test('a broad response outranks a taller one-pixel spike once smoothed', () => {
  const g = grid(60, 30, (x, y) => {
    const broad = 4 - 0.1 * ((x - 15) ** 2 + (y - 15) ** 2);
    return x === 45 && y === 15 ? 6 : Math.max(-8, broad);
  });
  assert.ok((g.data[15 * 60 + 45] as number) > (g.data[15 * 60 + 15] as number));
  const s = smoothScoreGrid(g, 3);
  assert.ok((s.data[15 * 60 + 15] as number) > (s.data[15 * 60 + 45] as number) + 2);
});

test('σ is given in original pixels: the map is smoothed by σ / (downsampling × stride) of its own pixels', () => {
  const base = { frame: gridFrame({ factorX: 3, factorY: 3 }), width: 120, height: 120 };
  const g = grid(10, 10, (x, y) => (x === 5 && y === 5 ? 10 : -10), 4);
  const viaScored = smoothScored({ ...base, grid: g }, 24).grid;
  const direct = smoothScoreGrid(g, 2);
  assert.deepEqual(Array.from(viaScored.data), Array.from(direct.data));
  assert.equal(smoothScored({ ...base, grid: g }, 0).grid, g);
  assert.equal(smoothScoreGrid(g, 0.2), g, 'a σ below a quarter pixel is a no-op');
});

test('impossible σ or non-finite scores are refused with the value named', () => {
  const g = grid(4, 4, () => 0);
  assert.throws(() => smoothScoreGrid(g, -1), /σ must be a finite number >= 0, got -1/);
  assert.throws(() => smoothScoreGrid(g, Number.NaN), /got NaN/);
  assert.throws(() => smoothScoreGrid(grid(4, 4, (x) => (x === 2 ? Number.NaN : 0)), 1), /value 2 is NaN/);
});

test('picking with smoothing keeps the particles, records σ in the run, and refuses to resume with another', async () => {
  const image = blobImage(203, 171, [{ x: 60, y: 50, peak: 5 }, { x: 150, y: 120, peak: 3 }], 6);
  const opts = { minDistancePx: 40, floor: -9, inference: 'dense' as const };
  const plain = await pickImage('m', image, fakeModel(1), opts);
  const smooth = await pickImage('m', image, fakeModel(1), { ...opts, smoothingPx: 6 });
  assert.equal(smooth.particles.length, plain.particles.length);
  plain.particles.forEach((p, k) => assert.ok(Math.hypot(p.x - (smooth.particles[k]?.x ?? NaN), p.y - (smooth.particles[k]?.y ?? NaN)) <= 1));
  assert.ok((smooth.particles[0]?.score ?? 0) < (plain.particles[0]?.score ?? 0), 'smoothing lowers a peak surrounded by lower scores');
  // scoreImage + detectionsOf is pickImage.
  const twoStep = detectionsOf('m', await scoreImage(image, fakeModel(1), { inference: 'dense', smoothingPx: 6 }), opts);
  assert.deepEqual(twoStep.particles, smooth.particles);
  const root = await mkdtemp(join(tmpdir(), 'cryopick-smooth-'));
  try {
    const run = { ...opts, outDir: root, readImage: async (): Promise<Image2D> => image, modelId: 'fake', smoothingPx: 6 };
    await pickMicrographs(['a.mrc'], fakeModel(1), run);
    assert.equal((await readManifest(root)).smoothingPx, 6);
    await assert.rejects(pickMicrographs(['a.mrc'], fakeModel(1), { ...run, resume: true, smoothingPx: 0 }), (e: unknown) =>
      e instanceof ConfigError && /smoothingPx/.test(JSON.stringify(e.problems)));
    assert.equal((await pickMicrographs(['a.mrc'], fakeModel(1), { ...run, resume: true })).skipped, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
