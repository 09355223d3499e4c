// Metrics and the reference losses against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pixelMetrics } from '../../src/train/metrics.js';
import { averagePrecision } from '../../src/eval/average-precision.js';
import { binomialLogPmf, referenceLoss } from '../../src/train/loss-reference.js';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('average precision: perfect, worst, ties', () => {
  close(averagePrecision(Float32Array.from([3, 2, 1, 0]), Uint8Array.from([1, 1, 0, 0])), 1);
  // ranking: 0 1 1 → precision at hits 1/2, 2/3 → AP = (1/2 + 2/3)/2
  close(averagePrecision(Float32Array.from([3, 2, 1]), Uint8Array.from([0, 1, 1])), (0.5 + 2 / 3) / 2);
  // all tied: one bucket, AP = fraction of positives
  close(averagePrecision(Float32Array.from([1, 1, 1, 1]), Uint8Array.from([1, 0, 0, 0])), 0.25);
});

test('pixel metrics: precision, tpr, fpr, adjusted precision', () => {
  const s = Float32Array.from([0, 0, 0, 0]); // p = 0.5 everywhere
  const m = pixelMetrics(s, Uint8Array.from([1, 0, 0, 0]), 0.5, 0.25);
  close(m.precision, 0.25);
  close(m.tpr, 0.5);
  close(m.fpr, 0.5);
  close(m.adjustedPrecision, 0.5);
  close(m.loss, Math.log(2), 1e-7);
});

test('binomial log pmf sums to 1 and matches the closed form', () => {
  const lp = binomialLogPmf(5, 0.3);
  close([...lp].reduce((a, v) => a + Math.exp(v), 0), 1, 1e-12);
  close(Math.exp(lp[2] as number), 10 * 0.09 * 0.343, 1e-12);
});

const L2 = Math.log(2);
test('losses by hand: all logits 0 (p = 1/2), one positive of four', () => {
  const s = [0, 0, 0, 0];
  const y = [1, 0, 0, 0];
  close(referenceLoss(s, y, { method: 'PN', pi: 0.2, slack: 1, classWeight: 1 }).objective, 0.2 * L2 + 0.8 * L2);
  close(referenceLoss(s, y, { method: 'PN', pi: 0.2, slack: 1, classWeight: 3 }).objective, 0.6 * L2 + 0.8 * L2);
  // PU: R_n = mean_all softplus(0) − π·softplus(0) = (1 − 0.2)·ln2 ≥ 0 → π·ln2 + 0.8·ln2
  close(referenceLoss(s, y, { method: 'PU', pi: 0.2, slack: 1, classWeight: 1 }).objective, L2);
  // PU with π > 1 impossible; R_n < 0 case: π = 1.5 gives R_n = −0.5 ln2 → objective 0.5 ln2, reported 1.5 ln2
  const pu = referenceLoss(s, y, { method: 'PU', pi: 1.5, slack: 1, classWeight: 1 });
  close(pu.objective, 0.5 * L2);
  close(pu.reported, 1.5 * L2);
  // GE-KL: p̄_U = 1/2, KL(0.1 ‖ 0.5) = 0.1 ln 0.2 + 0.9 ln 1.8
  const kl = 0.1 * Math.log(0.2) + 0.9 * Math.log(1.8);
  close(referenceLoss(s, y, { method: 'GE-KL', pi: 0.1, slack: 10, classWeight: 1 }).objective, L2 + 10 * kl, 1e-7);
  // GE-binomial: N_U = 3, μ = 1.5, σ² = 0.75; q ∝ exp(−(1.5−k)²/1.5), penalty = −Σ q log Bin(k;3,0.1)
  const z = [0, 1, 2, 3].map((k) => Math.exp(-((1.5 - k) ** 2) / 1.5));
  const zs = z.reduce((a, b) => a + b, 0);
  const pmf = [0.729, 0.243, 0.027, 0.001];
  const pen = -z.reduce((a, q, k) => a + (q / zs) * Math.log(pmf[k] as number), 0);
  close(referenceLoss(s, y, { method: 'GE-binomial', pi: 0.1, slack: 1, classWeight: 1 }).objective, L2 + pen, 1e-9);
});
