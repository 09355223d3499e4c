// Tests for evaluatePicks: frames reconciled before matching, per-micrograph and pooled metrics,
// micrograph pairing by name, the y-flip warning, and option validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePicks, diameterFromReferences } from '../../src/eval/evaluate.js';
import { ConfigError } from '../../src/errors.js';
import type { MicrographPicks, Particle } from '../../src/io/coords.js';

const FRAME = { binning: 1, yFlipped: false };

function grid(n: number, step: number, offset = 50): Particle[] {
  const out: Particle[] = [];
  for (let i = 0; i < n; i++) out.push({ x: offset + (i % 5) * step, y: offset + Math.floor(i / 5) * step * 0.7 });
  return out;
}

test('pooled and per-micrograph metrics; predictions in a binned frame are rescaled', () => {
  const refA = grid(10, 100);
  const refB = grid(4, 100);
  // A: 8 of 10 found (binned ×4, 3 px off in original pixels) plus 2 false picks with low scores
  const predA: Particle[] = refA.slice(0, 8).map((p, i) => ({ x: (p.x + 3) / 4, y: p.y / 4, score: 5 - i * 0.1 }));
  predA.push({ x: 10, y: 10, score: -1 }, { x: 20, y: 200, score: -2 });
  const report = evaluatePicks(
    [{ micrograph: 'data/mic_A.mrc', particles: predA, frame: { binning: 4, yFlipped: false } }],
    [{ micrograph: 'mic_A.star', particles: refA, frame: FRAME }, { micrograph: 'mic_B', particles: refB, frame: FRAME }],
    { diameterPx: 80, threshold: 0 },
  );
  const a = report.perMicrograph[0]!;
  assert.deepEqual([a.tp, a.fp, a.fn, a.predictions], [8, 0, 2, 10]);
  assert.equal(a.ap, 0.8);
  assert.ok(Math.abs((a.meanIou ?? 0) - 77 / 83) < 1e-12); // 3 px shift of 80 px boxes
  const b = report.perMicrograph[1]!;
  assert.deepEqual([b.tp, b.fn, b.recall, b.ap], [0, 4, 0, 0]);
  assert.deepEqual([report.overall.tp, report.overall.fn, report.overall.references, report.overall.micrographs], [8, 6, 14, 2]);
  assert.equal(report.overall.ap, 8 / 14);
  assert.equal(report.macro.ap, 0.4);
  assert.equal(report.overall.bestF1?.threshold, 4.3);
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0]!, /1 micrograph\(s\) with reference picks have no predictions/);
  // only micrographs in both sets: mic_B drops out
  const common = evaluatePicks(
    [{ micrograph: 'data/mic_A.mrc', particles: predA, frame: { binning: 4, yFlipped: false } }],
    [{ micrograph: 'mic_A.star', particles: refA, frame: FRAME }, { micrograph: 'mic_B', particles: refB, frame: FRAME }],
    { diameterPx: 80, threshold: 0, micrographs: 'common' },
  );
  assert.deepEqual([common.overall.micrographs, common.overall.references, common.overall.ap], [1, 10, 0.8]);
  assert.deepEqual(common.warnings, []);
});

test('warns when y-flipped predictions match much better (frame mistake)', () => {
  const height = 1000;
  const ref = grid(20, 120, 40);
  const pred = ref.map((p, i) => ({ x: p.x, y: height - 1 - p.y, score: i }));
  const report = evaluatePicks([{ micrograph: 'm', particles: pred, frame: FRAME, height }], [{ micrograph: 'm', particles: ref, frame: FRAME }], { diameterPx: 60 });
  assert.equal(report.overall.tp, 0);
  assert.equal(report.flippedMatches, 20);
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0]!, /y-flipped/);
  const good = evaluatePicks([{ micrograph: 'm', particles: ref, frame: FRAME, height }], [{ micrograph: 'm', particles: ref, frame: FRAME }], { diameterPx: 60 });
  assert.deepEqual(good.warnings, []);
  assert.equal(good.overall.f1, 1);
});

test('IoU criterion and greedy method are honoured and recorded', () => {
  const ref: Particle[] = [{ x: 100, y: 100 }];
  const pred: Particle[] = [{ x: 112, y: 100, score: 1 }];
  const byDist = evaluatePicks([{ micrograph: 'm', particles: pred, frame: FRAME }], [{ micrograph: 'm', particles: ref, frame: FRAME }], { diameterPx: 40 });
  assert.equal(byDist.overall.tp, 0); // radius 10 px
  const byIou = evaluatePicks([{ micrograph: 'm', particles: pred, frame: FRAME }], [{ micrograph: 'm', particles: ref, frame: FRAME }], { diameterPx: 40, criterion: 'iou', minIou: 0.5, method: 'greedy' });
  assert.equal(byIou.overall.tp, 1); // IoU 28/52 = 0.54
  assert.deepEqual(byIou.settings.criterion, { kind: 'iou', minIou: 0.5 });
  assert.equal(byIou.settings.method, 'greedy');
});

test('names that match nothing are reported; bad options list every problem', () => {
  const r = evaluatePicks([{ micrograph: 'other', particles: [{ x: 1, y: 1 }], frame: FRAME }], [{ micrograph: 'm', particles: [{ x: 1, y: 1 }], frame: FRAME }], { diameterPx: 10 });
  assert.equal(r.warnings.length, 3);
  assert.throws(() => evaluatePicks([], [], { diameterPx: -1, radiusPx: 0 }), (e: unknown) => e instanceof ConfigError && e.problems.length === 2);
  const refs: MicrographPicks[] = [{ micrograph: 'm', particles: [{ x: 1, y: 1, diameter: 20 }, { x: 1, y: 1, diameter: 30 }], frame: { binning: 2, yFlipped: false } }];
  assert.equal(diameterFromReferences(refs), 60);
});

test('y-flip warning is not masked by a long tail of low-score detections', () => {
  const height = 1000;
  const ref = grid(20, 120, 40);
  const flippedPreds = ref.map((p, i) => ({ x: p.x, y: height - 1 - p.y, score: 10 + i }));
  // dense junk everywhere at low scores would match most references either way
  const junk: Particle[] = [];
  for (let y = 0; y < height; y += 8) for (let x = 0; x < 700; x += 8) junk.push({ x, y, score: -5 });
  const report = evaluatePicks([{ micrograph: 'm', particles: [...flippedPreds, ...junk], frame: FRAME, height }], [{ micrograph: 'm', particles: ref, frame: FRAME }], { diameterPx: 60 });
  assert.ok(report.warnings.some((w) => /y-flipped/.test(w)), report.warnings.join('; '));
});
