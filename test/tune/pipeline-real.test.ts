// End to end with the real trainer on a tiny simulated dataset: `cryopick tune`'s pipeline with a
// 2-trial random search, final training, the ONNX model scored on the test micrographs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';
import { runTrainPipeline } from '../../src/tune/pipeline.js';

test('real pipeline: random search → final training → test confusion matrix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-pipe-real-'));
  try {
    await simulateDataset({ outDir: join(dir, 'sim'), params: { ...PRESETS.quick.params, width: 256, height: 256, particlesPerMicrograph: 10, junkPerMicrograph: 0, labelFraction: 0.6 }, count: 5, seed: 3 });
    const config = {
      data: { micrographs: ['sim/micrographs'], picks: ['sim/picks'], testFraction: 0.2, downsample: 2, normalize: 'standard', particleDiameter: 40 },
      tuning: { enabled: true, strategy: 'random', maxTrials: 2, epochsPerTrial: 1, validationFraction: 0.3, space: { learningRate: { type: 'log-uniform', min: 1e-4, max: 1e-3 } } },
      training: { epochs: 1, patience: 1, validationFraction: 0.3 },
      shared: { expectedParticles: 10, units: 8, epochSize: 2, cropSize: 80, cropsPerStep: 2, threads: 1, outputDir: 'out', runName: 'real' },
      lrScheduler: { kind: 'cyclic', baseLr: 1e-4, maxLr: 1e-3, stepSizeFactor: 1, mode: 'triangular' },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const r = await runTrainPipeline(join(dir, 'config.json'));
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
