// End to end with the real trainer on a tiny simulated dataset: `cryopick tune`'s pipeline with a
// 2-trial random search, final training, the ONNX model scored on the test micrographs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyPipeline } from './_tiny-pipeline.js';
import { runTrainPipeline } from '../../src/tune/pipeline.js';

test('real pipeline: random search → final training → test confusion matrix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-pipe-real-'));
  try {
    const configPath = await writeTinyPipeline(dir, 3, {
      runName: 'real', tuning: { enabled: true }, training: { patience: 1 },
      lrScheduler: { kind: 'cyclic', baseLr: 1e-4, maxLr: 1e-3, stepSizeFactor: 1, mode: 'triangular' },
    });
    const r = await runTrainPipeline(configPath);
    assert.equal(r.bestTrial?.status, 'complete');
    assert.ok(r.final && existsSync(r.final.modelPath));
    const ev = r.evaluation;
    assert.ok(ev, 'test evaluation ran');
    const c = ev.confusion;
    assert.equal(c.truePositive + c.falseNegative + c.falsePositive + c.trueNegative, ev.pixels);
    assert.ok(c.truePositive + c.falseNegative > 0, 'test micrographs have particle pixels');
    assert.ok(ev.ap > 0 && ev.ap <= 1);
    const pm = ev.particles;
    assert.ok(pm, 'particle-level metrics with a known diameter');
    assert.ok(pm.references > 0);
    assert.equal(pm.truePositive + pm.falseNegative, pm.references);
    assert.match(readFileSync(join(r.runDir, 'confusion-matrix.tsv'), 'utf8'), /^truth\\predicted\tparticle\tbackground\nparticle\t\d+\t\d+\nbackground\t\d+\t\d+\n$/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
