// The automatic threshold from the score distribution: on fixed, seeded score lists with known
// labels it lands near the true density crossing and within 0.02 F1 of the best threshold, in
// both branches of the rule (few particles over an exponential tail; particles most detections).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdFromScores } from '../../src/pick/auto-threshold.js';
import { crossing, fitExponentialTail, fitGumbel } from '../../src/pick/score-fits.js';
import { Random } from '../../src/random.js';
import { UsageError } from '../../src/errors.js';

interface Labelled { readonly score: number; readonly particle: boolean }

/** Best F1 over every threshold, and F1 at `t` (scores ≥ t kept). */
function f1s(items: readonly Labelled[], t: number): { at: number; best: number } {
  const total = items.filter((i) => i.particle).length;
  const f1 = (th: number): number => {
    const kept = items.filter((i) => i.score >= th);
    const tp = kept.filter((i) => i.particle).length;
    return kept.length === 0 ? 0 : (2 * tp) / (kept.length + total);
  };
  return { at: f1(t), best: Math.max(...items.map((i) => f1(i.score))) };
}

/** Exponential noise peaks above a floor of −6 (rate 0.6) plus a small Gaussian particle mode. */
function sparse(seed: number): Labelled[] {
  const r = new Random(seed);
  return [
    ...Array.from({ length: 1900 }, () => ({ score: -6 - Math.log(1 - r.next()) / 0.6, particle: false })),
    ...Array.from({ length: 100 }, () => ({ score: 2 + 0.7 * r.normal(), particle: true })),
  ];
}

/** A model that suppresses its background: a few noise peaks near the floor, most detections particles. */
function mostlyParticles(seed: number): Labelled[] {
  const r = new Random(seed);
  return [
    ...Array.from({ length: 150 }, () => ({ score: -5.5 - 0.3 * Math.log(-Math.log(Math.max(1e-12, r.next()))), particle: false })),
    ...Array.from({ length: 450 }, () => ({ score: 3 + 2.5 * r.normal(), particle: true })),
  ];
}

test('few particles over an exponential tail of noise peaks: threshold near the true crossing, F1 within 0.02 of the best', () => {
  for (const seed of [1, 2, 3]) {
    const items = sparse(seed);
    const m = thresholdFromScores(items.map((i) => i.score));
    assert.equal(m.rule, 'exponential background tail');
    // true crossing: 0.05·N(t; 2, 0.7) = 0.95·0.6·exp(−0.6 (t + 6)) at t ≈ 0.67
    assert.ok(Math.abs(m.threshold - 0.67) < 0.75, `seed ${seed}: threshold ${m.threshold}`);
    assert.ok(Math.abs(m.particle.mean - 2) < 0.4, `seed ${seed}: particle mean ${m.particle.mean}`);
    const f = f1s(items, m.threshold);
    assert.ok(f.best - f.at <= 0.02, `seed ${seed}: F1 ${f.at} against best ${f.best}`);
  }
});

test('particles are most detections (a self-trained model): the Gumbel branch, threshold just above the noise peaks', () => {
  for (const seed of [4, 5]) {
    const items = mostlyParticles(seed);
    const m = thresholdFromScores(items.map((i) => i.score));
    assert.equal(m.rule, 'particles are most detections: Gumbel background');
    assert.ok(m.threshold > -5.5 && m.threshold < -3, `seed ${seed}: threshold ${m.threshold}`);
    const f = f1s(items, m.threshold);
    assert.ok(f.best - f.at <= 0.02, `seed ${seed}: F1 ${f.at} against best ${f.best}`);
  }
});

test('the rule does not depend on the order of the scores, and the offset is added', () => {
  const scores = sparse(7).map((i) => i.score);
  const m = thresholdFromScores(scores);
  assert.equal(thresholdFromScores([...scores].reverse()).threshold, m.threshold);
  assert.equal(thresholdFromScores(scores, 0.5).threshold, m.threshold + 0.5);
});

test('the fits recover the laws they model', () => {
  const r = new Random(11);
  const exp = Array.from({ length: 4000 }, () => -6 - Math.log(1 - r.next()) / 0.8).sort((a, b) => a - b);
  const withBump = [...exp, ...Array.from({ length: 400 }, () => 1 + 0.5 * r.normal())].sort((a, b) => a - b);
  const e = fitExponentialTail(withBump, -6);
  assert.ok(Math.abs(1 / e.background.sd - 0.8) < 0.1, `rate ${1 / e.background.sd}`);
  assert.ok(Math.abs(e.particle.mean - 1) < 0.15 && Math.abs(e.particle.weight - 400 / 4400) < 0.03, JSON.stringify(e.particle));
  assert.ok(crossing(e) > -2 && crossing(e) < 1, `crossing ${crossing(e)}`);
  const gum = [...Array.from({ length: 3000 }, () => -4 - 0.5 * Math.log(-Math.log(Math.max(1e-12, r.next())))), ...Array.from({ length: 1000 }, () => 2 + r.normal())].sort((a, b) => a - b);
  const g = fitGumbel(gum);
  // Gumbel(−4, 0.5): mean −4 + 0.5772·0.5, sd π·0.5/√6
  assert.ok(Math.abs(g.background.mean - (-4 + 0.5772 * 0.5)) < 0.1, `background mean ${g.background.mean}`);
  assert.ok(Math.abs(g.background.sd - (Math.PI * 0.5) / Math.sqrt(6)) < 0.1, `background sd ${g.background.sd}`);
  assert.ok(Math.abs(g.particle.mean - 2) < 0.15 && Math.abs(g.particle.weight - 0.25) < 0.03, JSON.stringify(g.particle));
});

test('too few detections is one clear error', () => {
  assert.throws(() => thresholdFromScores([1, 2, 3]), (e) => e instanceof UsageError && /too few/.test(e.message));
});
