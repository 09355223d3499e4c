// Learning-rate schedules against the formulas of ../shared/design/pipeline.md §1.7, with
// hand-computed values (Capfinder's defaults) and Keras ReduceLROnPlateau behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createLrScheduler, cyclicLr, exponentialLr, linearLr, parseLrSchedule, sgdrCycle, sgdrLr, stepDecayLr,
} from '../../src/train/lr-schedule.js';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('constant, step and exponential decay', () => {
  const c = createLrScheduler(parseLrSchedule({ kind: 'constant', lr: 0.01 }), 10);
  assert.equal(c.lrAt(0), 0.01);
  assert.equal(c.lrAt(12345), 0.01);
  close(stepDecayLr(1, 0.1, 10, 9), 1);
  close(stepDecayLr(1, 0.1, 10, 10), 0.1);
  close(stepDecayLr(1, 0.1, 10, 25), 0.01);
  const s = createLrScheduler(parseLrSchedule({ kind: 'step', lr: 1, gamma: 0.5, stepEpochs: 2 }), 4);
  close(s.lrAt(7), 1); // epoch 1
  close(s.lrAt(8), 0.5); // epoch 2
  close(exponentialLr(2, 0.9, 3), 2 * 0.729);
  const e = createLrScheduler(parseLrSchedule({ kind: 'exponential', lr: 2, gamma: 0.9 }), 5);
  close(e.lrAt(14), 2 * 0.81); // epoch 2
});

test('linear decay goes from initial to final over all steps (Deep Picker)', () => {
  close(linearLr(1e-3, 1e-5, 11, 0), 1e-3);
  close(linearLr(1e-3, 1e-5, 11, 10), 1e-5);
  close(linearLr(1e-3, 1e-5, 11, 5), (1e-3 + 1e-5) / 2);
  close(linearLr(1e-3, 1e-5, 11, 50), 1e-5);
  const l = createLrScheduler(parseLrSchedule({ kind: 'linear', initialLr: 1, finalLr: 0, totalEpochs: 2 }), 3);
  close(l.lrAt(0), 1);
  close(l.lrAt(5), 0);
  close(l.lrAt(2), 0.6);
});

test('cyclic triangular2 with Capfinder defaults rises over 8 epochs, peaks halve', () => {
  const spe = 10;
  const S = spe * 8;
  const cfg = parseLrSchedule({ kind: 'cyclic' });
  const sch = createLrScheduler(cfg, spe);
  close(sch.lrAt(0), 1e-3);
  close(sch.lrAt(S), 5e-2); // first peak
  close(sch.lrAt(S / 2), 1e-3 + (5e-2 - 1e-3) * 0.5);
  close(sch.lrAt(2 * S), 1e-3); // back to base
  close(sch.lrAt(3 * S), 1e-3 + (5e-2 - 1e-3) / 2); // second peak 2.55e-2
  close(sch.lrAt(3 * S), 2.55e-2);
  close(sch.lrAt(5 * S), 1e-3 + (5e-2 - 1e-3) / 4);
});

test('cyclic triangular repeats; exp_range keeps base + amplitude (no Capfinder bug)', () => {
  for (const i of [0, 3, 7, 10, 13]) close(cyclicLr(0.1, 1, 5, 'triangular', 1, i), cyclicLr(0.1, 1, 5, 'triangular', 1, i + 10));
  close(cyclicLr(0.1, 1, 5, 'triangular', 1, 5), 1);
  close(cyclicLr(0.1, 1, 5, 'triangular', 1, 2), 0.1 + 0.9 * 0.4);
  const g = 0.9;
  // at step 5 (peak): base + (max − base)·1·g^5, never g^5 alone
  close(cyclicLr(0.1, 1, 5, 'exp_range', g, 5), 0.1 + 0.9 * Math.pow(g, 5));
  close(cyclicLr(0.1, 1, 5, 'exp_range', g, 0), 0.1);
  close(cyclicLr(0.1, 1, 5, 'exp_range', g, 10), 0.1);
  for (let i = 0; i < 40; i++) assert.ok(cyclicLr(0.1, 1, 5, 'exp_range', g, i) >= 0.1 - 1e-15);
});

test('SGDR restarts after epochs 5, 13, 25, 43, 70 with decaying peaks', () => {
  const lengths: number[] = [];
  const starts: number[] = [];
  let last = -1;
  for (let e = 0; e < 80; e++) {
    const c = sgdrCycle(5, 1.5, e);
    if (c.cycle !== last) { lengths.push(c.length); starts.push(c.startEpoch); last = c.cycle; }
  }
  assert.deepEqual(starts.slice(0, 5), [0, 5, 13, 25, 43]);
  assert.deepEqual(lengths.slice(0, 5), [5, 8, 12, 18, 27]);
  assert.equal(starts[5], 70);
  const spe = 4;
  const sch = createLrScheduler(parseLrSchedule({ kind: 'sgdr' }), spe);
  close(sch.lrAt(0), 2e-3);
  close(sch.lrAt(5 * spe), 1.8e-3); // first restart peak
  close(sch.lrAt(13 * spe), 1.62e-3);
  // half way through the first cycle: min + ½(max − min)(1 + cos(π/2))
  close(sch.lrAt(10), 1e-3 + 0.5 * 1e-3);
  close(sgdrLr(1e-3, 2e-3, 0.9, 5, 1.5, spe, 5 * spe - 1), 1e-3 + 0.5e-3 * (1 + Math.cos(Math.PI * 19 / 20)));
});

test('reduce-on-plateau follows Keras: patience, factor, min_lr, min_delta, cooldown', () => {
  const sch = createLrScheduler(parseLrSchedule({ kind: 'plateau', lr: 1, factor: 0.5, patience: 2, minLr: 0.2 }), 10);
  const losses = [1.0, 0.9, 0.89995, 0.95, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
  const lrs: number[] = [];
  losses.forEach((l, e) => { sch.endEpoch(e, l); lrs.push(sch.lrAt(0)); });
  // 0.89995 is not an improvement (min_delta 1e-4) → wait 1; 0.95 → wait 2 → lr 0.5; 0.8 improves;
  // then two stalls → 0.25; two more → max(0.125, 0.2) = 0.2; floor holds.
  assert.deepEqual(lrs, [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]);
  const st = sch.state();
  assert.ok(st);
  const resumed = createLrScheduler(sch.config, 10, st);
  assert.equal(resumed.lrAt(0), 0.2);
  const cd = createLrScheduler(parseLrSchedule({ kind: 'plateau', lr: 1, patience: 1, cooldown: 2, minLr: 0 }), 1);
  const cdl: number[] = [];
  [1, 1, 1, 1, 1, 1].forEach((l, e) => { cd.endEpoch(e, l); cdl.push(cd.lrAt(0)); });
  assert.deepEqual(cdl, [1, 0.5, 0.5, 0.25, 0.25, 0.125]);
});

test('schedule configs are validated', () => {
  assert.throws(() => parseLrSchedule({ kind: 'cyclic', mode: 'sawtooth' }));
  assert.throws(() => parseLrSchedule({ kind: 'nope' }));
  assert.throws(() => parseLrSchedule({ kind: 'constant', lr: -1 }));
  assert.throws(() => parseLrSchedule({ kind: 'constant', lr: 1, extra: 1 }));
  assert.throws(() => createLrScheduler(parseLrSchedule({ kind: 'constant', lr: 1 }), 0), RangeError);
});
