// Tests for one-to-one matching: optimal assignment against brute force, Hungarian vs greedy on
// adversarial layouts, eligibility (radius / IoU) and one-to-one invariants as properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { solveAssignment } from '../../src/eval/_hungarian.js';
import { boxIou, matchParticles, type MatchOptions } from '../../src/eval/match.js';
import type { Particle } from '../../src/io/coords.js';

function bruteForceMin(cost: number[], rows: number, cols: number): number {
  let best = Infinity;
  const used = new Array<boolean>(cols).fill(false);
  const walk = (r: number, acc: number): void => {
    if (r === rows) { best = Math.min(best, acc); return; }
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue;
      used[c] = true;
      walk(r + 1, acc + (cost[r * cols + c] as number));
      used[c] = false;
    }
  };
  walk(0, 0);
  return best;
}

test('solveAssignment finds the brute-force optimum on random matrices', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 }), fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 35, maxLength: 35 }), (rows, extra, values) => {
    const cols = rows + extra;
    const cost = values.slice(0, rows * cols);
    const assignment = solveAssignment(Float64Array.from(cost), rows, cols);
    assert.equal(new Set(assignment).size, rows);
    const total = [...assignment].reduce((s, c, r) => s + (cost[r * cols + c] as number), 0);
    assert.equal(total, bruteForceMin(cost, rows, cols));
  }), { numRuns: 200 });
});

const DIST: MatchOptions = { criterion: { kind: 'distance', radiusPx: 10 }, method: 'hungarian', boxSizePx: 40 };

test('Hungarian beats greedy on the adversarial chain layout', () => {
  // A (high score) sits between R1 and R2 and is nearest R1; B reaches only R1
  const ref: Particle[] = [{ x: 0, y: 0 }, { x: 16, y: 0 }];
  const pred: Particle[] = [{ x: 7, y: 0, score: 0.9 }, { x: -5, y: 0, score: 0.1 }];
  const greedy = matchParticles(pred, ref, { ...DIST, method: 'greedy' });
  const hungarian = matchParticles(pred, ref, DIST);
  assert.equal(greedy.pairs.length, 1);
  assert.equal(hungarian.pairs.length, 2);
  assert.deepEqual([...hungarian.predToRef], [1, 0]);
  assert.deepEqual([...hungarian.refToPred], [1, 0]);
});

test('greedy takes predictions in score order, each to its nearest free reference', () => {
  const ref: Particle[] = [{ x: 0, y: 0 }];
  const pred: Particle[] = [{ x: 1, y: 0, score: 0.2 }, { x: 5, y: 0, score: 0.8 }];
  assert.deepEqual([...matchParticles(pred, ref, { ...DIST, method: 'greedy' }).predToRef], [-1, 0]);
  // Hungarian ignores scores and prefers the closer prediction
  assert.deepEqual([...matchParticles(pred, ref, DIST).predToRef], [0, -1]);
});

test('boxIou: identical boxes 1, quarter-side shift 0.6, disjoint 0', () => {
  assert.equal(boxIou(0, 0, 40), 1);
  assert.ok(Math.abs(boxIou(10, 0, 40) - 0.6) < 1e-12);
  assert.equal(boxIou(40, 0, 40), 0);
  const iou: MatchOptions = { criterion: { kind: 'iou', minIou: 0.6 }, method: 'hungarian', boxSizePx: 40 };
  assert.equal(matchParticles([{ x: 9, y: 0 }], [{ x: 0, y: 0 }], iou).pairs.length, 1);
  assert.equal(matchParticles([{ x: 11, y: 0 }], [{ x: 0, y: 0 }], iou).pairs.length, 0);
  assert.throws(() => matchParticles([], [], { ...iou, criterion: { kind: 'iou', minIou: 1.5 } }), RangeError);
  assert.throws(() => matchParticles([], [], { ...DIST, criterion: { kind: 'distance', radiusPx: 0 } }), RangeError);
});

const point = fc.record({ x: fc.integer({ min: 0, max: 80 }), y: fc.integer({ min: 0, max: 80 }), score: fc.double({ min: -5, max: 5, noNaN: true }) });

test('property: matches are one-to-one, within radius, and Hungarian has at least as many as greedy', () => {
  fc.assert(fc.property(fc.array(point, { maxLength: 25 }), fc.array(point, { maxLength: 25 }), (pred, ref) => {
    const h = matchParticles(pred, ref, DIST);
    const g = matchParticles(pred, ref, { ...DIST, method: 'greedy' });
    for (const r of [h, g]) {
      assert.equal(new Set(r.pairs.map((p) => p.ref)).size, r.pairs.length);
      assert.equal(new Set(r.pairs.map((p) => p.pred)).size, r.pairs.length);
      for (const p of r.pairs) {
        const a = pred[p.pred] as Particle;
        const b = ref[p.ref] as Particle;
        assert.ok(Math.hypot(a.x - b.x, a.y - b.y) <= 10 + 1e-9);
        assert.equal(r.predToRef[p.pred], p.ref);
      }
    }
    assert.ok(h.pairs.length >= g.pairs.length, `hungarian ${h.pairs.length} < greedy ${g.pairs.length}`);
  }), { numRuns: 300 });
});
