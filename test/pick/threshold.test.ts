// Default thresholds / inference mode and the argument checks of resolveThreshold; with
// CRYOPICK_E28_MODEL set, re-checks the defaults on the EMPIAR-10028 validation micrograph they came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE, DEFAULT_THRESHOLDS, SMOOTHED_THRESHOLDS, defaultThreshold, resolveThreshold } from '../../src/pick/threshold.js';
import { ConfigError } from '../../src/errors.js';
import { loadScoreModel } from '../../src/pick/score-model.js';
import { pickImage } from '../../src/pick/pick-image.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { evaluatePicks } from '../../src/eval/evaluate.js';
import type { MicrographPicks } from '../../src/io/coords.js';
import { missingReason, realFile } from '../_paths.js';

test('defaults: one threshold per mode for smoothed and for raw scores, strided below dense, floor below both', () => {
  assert.equal(defaultThreshold('dense'), DEFAULT_THRESHOLDS.dense);
  assert.equal(defaultThreshold('strided'), DEFAULT_THRESHOLDS.strided);
  assert.equal(defaultThreshold('dense', true), SMOOTHED_THRESHOLDS.dense);
  assert.equal(defaultThreshold('strided', true), SMOOTHED_THRESHOLDS.strided);
  assert.ok(SMOOTHED_THRESHOLDS.dense < DEFAULT_THRESHOLDS.dense, 'smoothing lowers peak scores');
  assert.ok(DEFAULT_FLOOR < Math.min(SMOOTHED_THRESHOLDS.dense, SMOOTHED_THRESHOLDS.strided), 'the store keeps smoothed picks below their threshold');
  assert.ok(DEFAULT_THRESHOLDS.strided < DEFAULT_THRESHOLDS.dense, 'strided maps score particle centres lower');
  assert.ok(DEFAULT_FLOOR < Math.min(DEFAULT_THRESHOLDS.dense, DEFAULT_THRESHOLDS.strided), 'the store must keep picks below the default threshold');
  assert.ok((['dense', 'strided'] as string[]).includes(DEFAULT_INFERENCE));
});

test('resolveThreshold rejects invalid rules before reading anything', async () => {
  const nowhere = join('/nonexistent', 'run');
  await assert.rejects(resolveThreshold(nowhere, ['a'], { kind: 'score', threshold: Number.NaN }), ConfigError);
  await assert.rejects(resolveThreshold(nowhere, ['a'], { kind: 'count', perMicrograph: 0 }), ConfigError);
  await assert.rejects(resolveThreshold(nowhere, ['a'], { kind: 'precision', target: 1.5, references: [], diameterPx: 10 }), ConfigError);
  assert.equal((await resolveThreshold(nowhere, ['a'], { kind: 'score', threshold: -2 })).threshold, -2);
});

const VALID = '065_10028';
const IMAGE = `prompt-sam-cryoppp/dataset/10028/valid/images/${VALID}.png`;
const LABELS = `derived/empiar10028_from_promptsam_labels/${VALID}.csv`;
const MODEL = process.env['CRYOPICK_E28_MODEL'];
const skip = !MODEL ? 'skipped: set CRYOPICK_E28_MODEL to a ResNet8 trained on the EMPIAR-10028 train micrographs'
  : !realFile(IMAGE) ? missingReason(IMAGE) : !realFile(LABELS) ? missingReason(LABELS) : false;

test('defaults hold on the EMPIAR-10028 validation micrograph (not the test set)', { skip }, async () => {
  const model = await loadScoreModel(MODEL as string);
  try {
    const image = await readMicrograph(realFile(IMAGE) as string);
    const refs = (await readCoordinates(realFile(LABELS) as string)).map((m) => ({ ...m, micrograph: VALID }));
    const ap: Record<string, number> = {};
    for (const inference of ['dense', 'strided'] as const) {
      const d = await pickImage(VALID, image, model, { minDistancePx: 28, floor: -12, inference, diameterPx: 56 });
      const preds: MicrographPicks[] = [{ micrograph: VALID, particles: d.particles, frame: { binning: 1, yFlipped: false } }];
      const all = evaluatePicks(preds, refs, { diameterPx: 56 });
      const atDefault = evaluatePicks(preds, refs, { diameterPx: 56, threshold: defaultThreshold(inference) });
      ap[inference] = all.overall.ap ?? 0;
      assert.ok(atDefault.overall.f1 >= (all.overall.bestF1?.f1 ?? 1) - 0.01, `${inference}: F1 ${atDefault.overall.f1} at the default vs best ${all.overall.bestF1?.f1}`);
    }
    if (DEFAULT_INFERENCE === 'strided') assert.ok((ap['strided'] as number) >= (ap['dense'] as number) - 0.01, JSON.stringify(ap));
  } finally {
    await model.release?.();
  }
});
