// Tests for P/R/F1, the PR curve (monotone recall, ties), best F1 and AP on hand-computed cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bestF1, metricsAtThreshold, precisionRecallCurve, thresholdForPrecision, type ScoredOutcome } from '../../src/eval/precision-recall.js';
import { averagePrecision } from '../../src/eval/average-precision.js';

const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
const apOf = (o: readonly ScoredOutcome[], references: number): number =>
  averagePrecision(o.map((x) => x.score ?? Number.POSITIVE_INFINITY), o.map((x) => x.matched), references);
/** The definition: Σ (Rₖ − Rₖ₋₁) · Pₖ over the curve. */
const areaOf = (curve: readonly { recall: number; precision: number }[]): number => {
  let ap = 0;
  let last = 0;
  for (const p of curve) { ap += (p.recall - last) * p.precision; last = p.recall; }
  return ap;
};

test('AP hand-computed: T F T F with 3 references is 1/3·1 + 1/3·2/3 = 5/9', () => {
  const o: ScoredOutcome[] = [{ score: 0.9, matched: true }, { score: 0.8, matched: false }, { score: 0.7, matched: true }, { score: 0.6, matched: false }];
  const curve = precisionRecallCurve(o, 3);
  assert.deepEqual(curve.map((p) => p.tp), [1, 1, 2, 2]);
  close(apOf(o, 3), 5 / 9);
  close(areaOf(curve), 5 / 9);
  const best = bestF1(curve);
  // F1 at 0.7: P 2/3, R 2/3 → 2/3; beats 1/2 at 0.9
  close(best?.f1 ?? 0, 2 / 3);
  assert.equal(best?.threshold, 0.7);
});

test('AP: perfect ranking gives final recall; ties enter together', () => {
  close(apOf([{ score: 2, matched: true }, { score: 1, matched: true }], 4), 0.5);
  const tied = precisionRecallCurve([{ score: 1, matched: true }, { score: 1, matched: false }], 1);
  assert.equal(tied.length, 1);
  close(apOf([{ score: 1, matched: true }, { score: 1, matched: false }], 1), 0.5);
  assert.equal(apOf([], 3), 0);
  // labels as 0/1 pixels, references = the labelled count
  close(averagePrecision(Float32Array.from([3, 2, 1]), Uint8Array.from([0, 1, 1])), (0.5 + 2 / 3) / 2);
  // unscored predictions are always kept
  assert.equal(metricsAtThreshold([{ score: undefined, matched: true }], 1, 100).tp, 1);
});

test('metricsAtThreshold: conventions for empty sets', () => {
  const none = metricsAtThreshold([], 5, 0);
  assert.deepEqual([none.precision, none.recall, none.f1, none.fn], [1, 0, 0, 5]);
  const noRefs = metricsAtThreshold([{ score: 1, matched: false }], 0, 0);
  assert.deepEqual([noRefs.precision, noRefs.recall, noRefs.fp], [0, 1, 1]);
});

test('thresholdForPrecision picks the lowest threshold that keeps the target precision', () => {
  const o: ScoredOutcome[] = [{ score: 5, matched: true }, { score: 4, matched: true }, { score: 3, matched: false }, { score: 2, matched: true }, { score: 1, matched: false }];
  const curve = precisionRecallCurve(o, 4);
  assert.equal(thresholdForPrecision(curve, 0.75)?.threshold, 2);
  assert.equal(thresholdForPrecision(curve, 1)?.threshold, 4);
  assert.equal(thresholdForPrecision(curve, 1.1), undefined);
});

const outcome = fc.record({ score: fc.integer({ min: -10, max: 10 }), matched: fc.boolean() });

test('property: along the curve thresholds fall, tp and recall never decrease, AP within [0, max recall]', () => {
  fc.assert(fc.property(fc.array(outcome, { maxLength: 60 }), fc.integer({ min: 0, max: 30 }), (o, extra) => {
    const refs = o.filter((x) => x.matched).length + extra;
    const curve = precisionRecallCurve(o, refs);
    for (let k = 1; k < curve.length; k++) {
      const a = curve[k - 1]!;
      const b = curve[k]!;
      assert.ok(b.threshold < a.threshold);
      assert.ok(b.tp >= a.tp && b.recall >= a.recall);
      assert.ok(b.tp + b.fp > a.tp + a.fp);
    }
    const ap = apOf(o, refs);
    assert.ok(Math.abs(ap - areaOf(curve)) < 1e-12, 'the one AP is the area under the curve');
    const last = curve[curve.length - 1];
    assert.ok(ap >= 0 && ap <= (last?.recall ?? 0) + 1e-12);
    for (const p of curve) assert.deepEqual(metricsAtThreshold(o, refs, p.threshold), p);
  }), { numRuns: 300 });
});
