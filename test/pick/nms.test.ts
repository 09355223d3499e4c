// NMS properties against a brute-force oracle: output ⊂ input, no pair closer than the radius,
// greedy by score (every dropped pixel is covered by a better peak), descending order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nonMaximumSuppression, type Peak } from '../../src/pick/nms.js';

/** The definition, written naively: O(n²) over pixels sorted by score then index. */
function oracle(scores: Float32Array, width: number, radius: number, threshold: number): Peak[] {
  const idx = [...scores.keys()].filter((i) => (scores[i] as number) >= threshold);
  idx.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const out: Peak[] = [];
  for (const i of idx) {
    const x = i % width;
    const y = Math.floor(i / width);
    if (out.every((p) => Math.hypot(p.x - x, p.y - y) >= radius)) out.push({ x, y, score: scores[i] as number });
  }
  return out;
}

const map = fc.record({
  width: fc.integer({ min: 1, max: 14 }),
  height: fc.integer({ min: 1, max: 14 }),
  radius: fc.double({ min: 0.3, max: 6, noNaN: true }),
  threshold: fc.integer({ min: -3, max: 2 }),
  seed: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 196, maxLength: 196 }),
});

test('property: NMS equals the greedy definition and keeps its invariants', () => {
  fc.assert(fc.property(map, ({ width, height, radius, threshold, seed }) => {
    const scores = Float32Array.from(seed.slice(0, width * height));
    const peaks = nonMaximumSuppression(scores, width, height, { radius, threshold });
    assert.deepEqual(peaks, oracle(scores, width, radius, threshold));
    for (let a = 0; a < peaks.length; a++) {
      const p = peaks[a] as Peak;
      assert.equal(scores[p.y * width + p.x], p.score); // a real pixel of the input
      assert.ok(p.score >= threshold);
      if (a > 0) assert.ok((peaks[a - 1] as Peak).score >= p.score);
      for (let b = a + 1; b < peaks.length; b++) assert.ok(Math.hypot(p.x - (peaks[b] as Peak).x, p.y - (peaks[b] as Peak).y) >= radius);
    }
    for (let i = 0; i < scores.length; i++) {
      if ((scores[i] as number) < threshold) continue;
      const x = i % width;
      const y = Math.floor(i / width);
      assert.ok(peaks.some((p) => p.score >= (scores[i] as number) && Math.hypot(p.x - x, p.y - y) < radius || (p.x === x && p.y === y)));
    }
  }), { numRuns: 400 });
});

test('NMS: maxPeaks, NaN pixels skipped, bad input rejected', () => {
  const s = Float32Array.from([5, Number.NaN, 1, 0, 9, 2]);
  const all = nonMaximumSuppression(s, 3, 2, { radius: 1, threshold: -Infinity });
  assert.deepEqual(all.map((p) => p.score), [9, 5, 2, 1, 0]);
  assert.equal(nonMaximumSuppression(s, 3, 2, { radius: 1, threshold: 0, maxPeaks: 2 }).length, 2);
  assert.throws(() => nonMaximumSuppression(s, 2, 2, { radius: 1, threshold: 0 }), RangeError);
  assert.throws(() => nonMaximumSuppression(s, 3, 2, { radius: 0, threshold: 0 }), RangeError);
});
