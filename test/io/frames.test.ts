// Frames as types and the one converter: grid picks do not type-check as original picks; the
// downsampling plan's grid frame maps to original pixels and back; every coordinate format
// round-trips through toFrame at a binning ≠ 1 with y flipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridFrame, planDownsample } from '../../src/image/downsample.js';
import { ORIGINAL_FRAME, fileFrame, micrographKey, toFrame, type MicrographPicks, type Particle } from '../../src/io/coords.js';
import { COORDINATE_FORMATS, readCoordinates, writeCoordinates, type CoordinateFormat } from '../../src/io/coordinate-formats.js';
import type { MicrographDetections } from '../../src/pick/detections.js';

const W = 3838;
const H = 3710;

test('grid picks passed where original-frame picks are expected do not compile', () => {
  const plan = planDownsample(W, H, undefined, { kind: 'factor', factor: 3.3, method: 'fourier' });
  const original: MicrographPicks<'original'> = { micrograph: 'm', particles: [{ x: 100, y: 200, score: 1 }], frame: ORIGINAL_FRAME, width: W, height: H };
  const grid = toFrame(original, gridFrame(plan));
  const countOriginal = (p: MicrographPicks<'original'>): number => p.particles.length;
  // @ts-expect-error picks on the downsampled working grid are not original-micrograph picks
  countOriginal(grid);
  // @ts-expect-error particles of the working grid are not original pixels
  const wrong: MicrographDetections = { micrograph: 'm', width: W, height: H, floor: 0, particles: grid.particles };
  assert.equal(wrong.particles.length, 1);
  // through the one converter they are
  assert.equal(countOriginal(toFrame(grid, ORIGINAL_FRAME)), 1);
  const fromFile = toFrame({ micrograph: 'm', particles: [{ x: 1, y: 2 }], frame: fileFrame(2) }, ORIGINAL_FRAME);
  const original2: MicrographPicks<'original'> = fromFile;
  assert.deepEqual(original2.particles, [{ x: 2, y: 4 }]);
});

test('the plan owns the mapping: grid = original / per-axis factor, y flipped in each frame, and back', () => {
  const plan = planDownsample(W, H, undefined, { kind: 'factor', factor: 3.3, method: 'fourier' });
  assert.notEqual(plan.factorX, plan.factorY, 'Fourier cropping to whole pixels gives different per-axis factors');
  const p: Particle<'original'> = { x: 1234.5, y: 777.25, diameter: 200 };
  const original: MicrographPicks<'original'> = { micrograph: 'm', particles: [p], frame: ORIGINAL_FRAME, width: W, height: H };
  const grid = toFrame(original, gridFrame(plan));
  assert.deepEqual([grid.width, grid.height], [plan.outWidth, plan.outHeight]);
  const g = grid.particles[0] as Particle;
  assert.ok(Math.abs(g.x - p.x / plan.factorX) < 1e-9 && Math.abs(g.y - p.y / plan.factorY) < 1e-9);
  const flipped = toFrame(grid, { ...gridFrame(plan), yFlipped: true });
  assert.ok(Math.abs((flipped.particles[0] as Particle).y - (plan.outHeight - 1 - g.y)) < 1e-9);
  const back = toFrame(flipped, ORIGINAL_FRAME).particles[0] as Particle;
  assert.ok(Math.abs(back.x - p.x) < 1e-9 && Math.abs(back.y - p.y) < 1e-9 && Math.abs((back.diameter ?? 0) - 200) < 1e-9);
});

const OUT: Readonly<Record<CoordinateFormat, string>> = {
  star: 'picks.star', 'star-particles': 'particles.star', 'star-autopick': 'job/autopick.star', box: 'box/', cbox: 'cbox/', topaz: 'picks.txt', cs: 'picks.cs', csv: 'picks.csv',
};

for (const format of COORDINATE_FORMATS) {
  test(`${format}: original → binned ×2 and y-flipped → file → read in that frame → original is the identity`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cryopick-frames-'));
    try {
      // even coordinates: exact in every format's precision once binned and flipped
      const original: MicrographPicks<'original'> = {
        micrograph: 'mic_0001.mrc', frame: ORIGINAL_FRAME, width: 1200, height: 1000,
        particles: [{ x: 100, y: 40, score: 1.5, diameter: 60 }, { x: 822, y: 950, score: -0.5, diameter: 60 }],
      };
      const frame = fileFrame(2, true);
      const inFile = toFrame(original, frame);
      assert.deepEqual(inFile.particles.map((q) => [q.x, q.y]), [[50, 479], [411, 24]]);
      const out = join(dir, OUT[format]);
      await writeCoordinates(out, [inFile], format, { optics: { pixelSizeA: 1.06 }, boxSize: 30 });
      const read = await readCoordinates(out.endsWith('/') ? out.slice(0, -1) : out, { frame, boxSize: 30 });
      assert.equal(read.length, 1);
      const r = read[0] as MicrographPicks;
      assert.equal(micrographKey(r.micrograph).replace(/_autopick$/, ''), 'mic_0001');
      // the file does not know the flip; the user gives the height of the images it refers to
      const back = toFrame({ ...r, height: r.height ?? 500 }, ORIGINAL_FRAME);
      assert.deepEqual(back.particles.map((q) => [Math.round(q.x * 1000) / 1000, Math.round(q.y * 1000) / 1000]), [[100, 40], [822, 950]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
