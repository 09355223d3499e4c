// The shared coordinate model's transforms: scaling (binning), y-flip and frame changes,
// checked on examples and as properties (inverses, involution, round trips between frames).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ORIGINAL_FRAME, fileFrame, lengthInFrame, micrographKey, toFrame, type MicrographPicks } from '../../src/io/coords.js';

const particle = fc.record({
  x: fc.double({ min: 0, max: 8191, noNaN: true }),
  y: fc.double({ min: 0, max: 8191, noNaN: true }),
  score: fc.option(fc.double({ min: -20, max: 20, noNaN: true }), { nil: undefined }),
  diameter: fc.option(fc.double({ min: 1, max: 500, noNaN: true }), { nil: undefined }),
}).map((p) => {
  const q: { x: number; y: number; score?: number; diameter?: number } = { x: p.x, y: p.y };
  if (p.score !== undefined) q.score = p.score;
  if (p.diameter !== undefined) q.diameter = p.diameter;
  return q;
});

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('coordinate transforms', () => {
  const inOriginal = (particles: MicrographPicks['particles'], height?: number): MicrographPicks =>
    ({ micrograph: 'm', particles, frame: ORIGINAL_FRAME, ...(height === undefined ? {} : { height }) });
  it('scales coordinates and diameters, keeps scores', () => {
    assert.deepEqual(toFrame(inOriginal([{ x: 800, y: 400, score: 2, diameter: 160 }]), fileFrame(8)).particles, [{ x: 100, y: 50, score: 2, diameter: 20 }]);
    assert.throws(() => fileFrame(0), RangeError);
    assert.equal(lengthInFrame(160, ORIGINAL_FRAME, fileFrame(8)), 20);
  });
  it('flips y about the pixel centres: 0 ↔ H − 1', () => {
    assert.deepEqual(toFrame(inOriginal([{ x: 3, y: 0 }, { x: 4, y: 99 }], 100), fileFrame(1, true)).particles, [{ x: 3, y: 99 }, { x: 4, y: 0 }]);
  });
  it('scale by f then 1/f is the identity; flipping twice is the identity (property)', () => {
    fc.assert(fc.property(fc.array(particle, { maxLength: 20 }), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.integer({ min: 1, max: 10000 }),
      (ps, f, h) => {
        const back = toFrame(toFrame(inOriginal(ps), fileFrame(1 / f)), ORIGINAL_FRAME).particles;
        back.forEach((p, i) => {
          const o = ps[i]!;
          assert.ok(near(p.x, o.x) && near(p.y, o.y));
          assert.equal(p.score, o.score);
          if (o.diameter !== undefined) assert.ok(near(p.diameter!, o.diameter));
        });
        const twice = toFrame(toFrame(inOriginal(ps, h), fileFrame(1, true)), ORIGINAL_FRAME).particles;
        assert.deepEqual(twice, ps.map((p) => ({ ...p, y: h - 1 - (h - 1 - p.y) })));
      }));
  });
  it('toFrame goes to a binned, flipped frame and back (property)', () => {
    fc.assert(fc.property(fc.array(particle, { maxLength: 20 }), fc.constantFrom(1, 2, 4, 8), fc.boolean(), (ps, binning, yFlipped) => {
      const picks: MicrographPicks = { micrograph: 'm', particles: ps, frame: ORIGINAL_FRAME, width: 4096, height: 4096 };
      const there = toFrame(picks, { binning, yFlipped });
      assert.equal(there.height, 4096 / binning);
      const back = toFrame(there, ORIGINAL_FRAME);
      assert.equal(back.height, 4096);
      back.particles.forEach((p, i) => assert.ok(near(p.x, ps[i]!.x) && Math.abs(p.y - ps[i]!.y) <= 1e-6, `${p.y} vs ${ps[i]!.y}`));
    }));
  });
  it('binning by 8 with a flip maps the original top row to the binned bottom row', () => {
    const picks: MicrographPicks = { micrograph: 'm', particles: [{ x: 80, y: 0 }], frame: ORIGINAL_FRAME, width: 800, height: 800 };
    assert.deepEqual(toFrame(picks, { binning: 8, yFlipped: true }).particles, [{ x: 10, y: 99 }]);
  });
  it('refuses to flip without a known height', () => {
    assert.throws(() => toFrame({ micrograph: 'm', particles: [], frame: ORIGINAL_FRAME }, { binning: 1, yFlipped: true }), /height unknown/);
  });
  it('micrographKey drops folders, extensions and case', () => {
    assert.equal(micrographKey('Movies\\Sub/MIC_01.mrc.gz'), 'mic_01');
  });
});
