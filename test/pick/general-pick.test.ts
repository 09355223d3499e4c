// `cryopick pick` with zero labels: the shipped general model at the size given in Å (pixel size
// from the MRC header) or pixels, the estimated size when none is given, the default border and
// the threshold from the score distribution, checked against the simulator's truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import type { MicrographPicks } from '../../src/io/coords.js';
import { evaluatePicks } from '../../src/eval/evaluate.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../_pick-fixture.js';

/** Two quick-preset micrographs (1024², 4 Å/px, 160 Å = 40 px; molecules the general model never trained on). */
async function simulated(dir: string): Promise<{ mics: string; truth: MicrographPicks[] }> {
  const manifest = await simulateDataset({ outDir: join(dir, 'sim'), params: PRESETS.quick.params, count: 2, seed: 4242 });
  const truth: MicrographPicks[] = [];
  for (const m of manifest.micrographs) truth.push(...(await readCoordinates(join(dir, 'sim', m.truth))));
  return { mics: join(dir, 'sim', 'micrographs'), truth };
}

test('pick with no model and the diameter in Å: the general model finds the particles, border and threshold by default', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-general-pick-'));
  try {
    const { mics, truth } = await simulated(dir);
    const out = await runCli(['pick', mics, '--diameter-a', '160', '-o', join(dir, 'run'), '--threads', '1', '--format', 'star']);
    assert.match(out, /threshold -?\d+\.\d+ from the score distribution/);
    const manifest = JSON.parse(await readFile(join(dir, 'run', 'pick-run.json'), 'utf8')) as { modelId: string; diameterPx: number; borderPx: number };
    assert.equal(manifest.modelId, 'general');
    assert.equal(manifest.diameterPx, 40, '160 Å at the header\'s 4 Å/px');
    assert.equal(manifest.borderPx, 20, 'no box leaves the micrograph');
    const picks = await readCoordinates(join(dir, 'run', 'relion', 'autopick.star'));
    const rep = evaluatePicks(picks, truth, { diameterPx: 40 });
    assert.ok(rep.overall.f1 > 0.5, `F1 at the default threshold ${rep.overall.f1.toFixed(3)} (precision ${rep.overall.precision.toFixed(3)}, recall ${rep.overall.recall.toFixed(3)})`);
    for (const m of picks) for (const p of m.particles) assert.ok(p.x >= 20 && p.y >= 20 && p.x <= 1003 && p.y <= 1003, `(${p.x}, ${p.y}) inside the border`);
    // --model general and the synonym --particle-diameter-px give the same run
    const same = await runCli(['pick', mics, '--model', 'general', '--particle-diameter-px', '40', '-o', join(dir, 'run2'), '--threads', '1', '--format', 'star']);
    assert.match(same, /from the score distribution/);
    assert.deepEqual(await readCoordinates(join(dir, 'run2', 'relion', 'autopick.star')), picks);
    await assert.rejects(runCli(['pick', mics, '--diameter-px', '40', '--particle-diameter-px', '40', '-o', join(dir, 'run3')]), (e) => e instanceof UsageError && /give one/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pick with the general model and no diameter estimates it and says how sure it is', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-general-size-'));
  try {
    const { mics } = await simulated(dir);
    const out = await runCli(['pick', mics, '-o', join(dir, 'run'), '--threads', '1']);
    const m = /estimated particle diameter: (\d+\.\d) px \(confidence (high|medium|low)/.exec(out);
    assert.ok(m, out);
    const d = Number(m[1]);
    assert.ok(d > 40 / 1.35 && d < 40 * 1.35, `estimated ${d} px for 40 px particles`);
    const manifest = JSON.parse(await readFile(join(dir, 'run', 'pick-run.json'), 'utf8')) as { diameterPx: number };
    assert.equal(manifest.diameterPx, d === manifest.diameterPx ? d : manifest.diameterPx);
    assert.ok(Math.abs(manifest.diameterPx - d) < 0.06);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
