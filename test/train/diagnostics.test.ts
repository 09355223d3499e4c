// Diagnostics: each finding appears on the curves that should trigger it, with a suggestion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseTraining, type EpochSummary } from '../../src/train/diagnostics.js';

const ep = (epoch: number, trainLoss: number, auprc?: number, tpr = 0.5): EpochSummary =>
  ({ epoch, trainLoss, trainPrecision: 0.5, ...(auprc !== undefined ? { auprc, tpr } : {}) });
const run = (epochs: EpochSummary[], hasTestSplit = true): string[] =>
  diagnoseTraining({ epochs, chanceAuprc: 0.01, hasTestSplit, learningRate: 2e-4, epochCount: epochs.length });

test('healthy training: no findings', () => {
  assert.deepEqual(run([ep(1, 1, 0.3), ep(2, 0.8, 0.4), ep(3, 0.7, 0.45)]), []);
});

test('underfitting near chance suggests a higher learning rate or more epochs', () => {
  const d = run([ep(1, 1, 0.012), ep(2, 0.99, 0.013), ep(3, 0.99, 0.014)]);
  assert.equal(d.length, 1);
  assert.match(d[0] as string, /underfitting.*learning rate/);
});

test('flat training loss is underfitting', () => {
  assert.match(run([ep(1, 1), ep(2, 0.99), ep(3, 0.98)], false).join('\n'), /underfitting: the training loss fell only/);
});

test('overfitting: test AUPRC falls while the training loss falls', () => {
  const d = run([ep(1, 1, 0.5), ep(2, 0.8, 0.6), ep(3, 0.6, 0.5), ep(4, 0.4, 0.4)]);
  assert.ok(d.some((x) => /overfitting.*epoch 2/.test(x)));
});

test('a model that picks nothing is told to raise the class weight', () => {
  const d = run([ep(1, 1, 0.3, 0.01), ep(2, 0.8, 0.4, 0.01), ep(3, 0.7, 0.45, 0.005)]);
  assert.ok(d.some((x) => /picks nothing.*class weight/.test(x)));
});

test('no test split is explained', () => {
  assert.match(run([ep(1, 1), ep(2, 0.5), ep(3, 0.3)], false)[0] as string, /no test split/);
});
