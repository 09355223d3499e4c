// The demo pipeline end to end at a tiny size: simulate, train a few steps, pick, evaluate,
// report. Checks the wiring and the outputs, not the quality (that is in BENCHMARKS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/demo/run-demo.js';
import { FileExistsError } from '../../src/io/atomic-write.js';

test('runDemo writes a model, picks, and a self-contained report with consistent numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-demo-'));
  const out = join(dir, 'demo');
  try {
    const stages: string[] = [];
    const s = await runDemo({
      outDir: out, seed: 3, trainCount: 3, testCount: 1, epochs: 1, training: { epochSize: 2 }, threads: 2,
      onStage: (t) => stages.push(t),
    });
    assert.equal(stages.length, 6);
    assert.equal(s.trainMicrographs, 3);
    assert.equal(s.testMicrographs, 1);
    assert.ok(existsSync(s.modelPath));
    assert.ok(s.truthParticles > 0);
    assert.ok(s.userPicks > 0 && s.userPicks < s.truthParticles * 3);
    for (const v of [s.ap, s.chanceAp, s.precision, s.recall]) assert.ok(v >= 0 && v <= 1, `metric in [0, 1]: ${v}`);
    assert.ok(Number.isFinite(s.threshold));
    // the zero-label step: the same held-out micrographs picked by the shipped general model
    for (const v of [s.zeroLabel.ap, s.zeroLabel.bestF1, s.zeroLabel.f1]) assert.ok(v >= 0 && v <= 1, `zero-label metric in [0, 1]: ${v}`);
    assert.ok(Number.isFinite(s.zeroLabel.threshold));
    assert.ok(existsSync(join(out, 'pick-general', 'pick-run.json')));
    assert.equal(s.evaluation.perMicrograph.length, 1);
    const picksDir = join(out, 'picks', 'relion');
    assert.ok(readdirSync(picksDir).some((f) => f.endsWith('.star')), 'RELION picks written');
    const html = readFileSync(s.reportPath, 'utf8');
    assert.match(html, /data:image\/png;base64,/);
    assert.match(html, /data:image\/svg\+xml;base64,/);
    assert.ok(s.seconds.total >= s.seconds.train);
    // a second run into the same folder is refused unless overwrite is given
    await assert.rejects(runDemo({ outDir: out, trainCount: 3, testCount: 1, epochs: 1 }), FileExistsError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
