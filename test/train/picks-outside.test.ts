// Training picks outside their micrographs: a warning with counts (and the binning that would fit)
// when some are, a refusal when none is inside; the model records the particle count it was trained with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { readCoordinates, writeCoordinates } from '../../src/io/coordinate-formats.js';
import { readModelFile } from '../../src/models/model-file.js';
import { trainPicker } from '../../src/train/trainer.js';
import type { TrainParamsInput } from '../../src/train/params.js';
import { makeTinySet } from './_tiny-data.js';

const params = (m: string[], p: string): TrainParamsInput => ({
  micrographs: m, picks: [p], expectedParticles: 20, downsample: 1, model: 'conv31', units: 8, mode: 'dense',
  cropSize: 64, cropsPerStep: 2, epochs: 1, epochSize: 2, learningRate: 2e-3, testFraction: 0, threads: 1, seed: 5,
});

test('picks partly outside train with a warning naming counts and --picks-binning; all outside is refused', async (t) => {
  const set = await makeTinySet({ count: 2, size: 80, particles: 12, sigma: 2.5, labelled: 1, seed: 3 });
  t.after(() => rmSync(set.dir, { recursive: true, force: true }));
  const picks = await readCoordinates(set.picks);
  // coordinates of ×2 finer pixels: those beyond 80 px fall outside
  const doubled = join(set.dir, 'doubled.txt');
  await writeCoordinates(doubled, picks.map((m) => ({ ...m, particles: m.particles.map((p) => ({ x: 2 * p.x, y: 2 * p.y })) })), 'topaz');
  const messages: string[] = [];
  await trainPicker(params(set.micrographs, doubled), { outDir: join(set.dir, 'warned'), plots: false, onMessage: (s) => messages.push(s) });
  const warning = messages.find((m) => /lie outside/.test(m)) ?? '';
  const outside = picks.reduce((n, m) => n + m.particles.filter((p) => 2 * p.x >= 79.5 || 2 * p.y >= 79.5).length, 0);
  assert.ok(outside > 0 && outside < 24, `fixture: ${outside} of 24 outside`);
  assert.match(warning, new RegExp(`^warning: ${outside} of 24 picks lie outside their micrographs \\(mic\\d\\.mrc: \\d+ of 12 outside its 80×80 pixels, mic\\d\\.mrc: .*\\); they are not used for training; with --picks-binning 0\\.5 every pick would lie inside$`));

  const model = readModelFile(readFileSync(join(set.dir, 'warned', 'model.onnx')), 'model.onnx');
  assert.equal(model.training['expectedParticles'], 20);

  const far = join(set.dir, 'far.txt');
  await writeCoordinates(far, picks.map((m) => ({ ...m, particles: m.particles.map((p) => ({ x: 4 * p.x + 400, y: 4 * p.y + 400 })) })), 'topaz');
  await assert.rejects(trainPicker(params(set.micrographs, far), { outDir: join(set.dir, 'refused'), plots: false }), (e: unknown) =>
    e instanceof UserError && e.code === 'EOUTSIDE' && /^no training pick lies inside its micrograph: 24 of 24 picks lie outside their micrographs .*; with --picks-binning 0\.0625 every pick would lie inside$/.test(e.message));
});
