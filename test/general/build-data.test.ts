// The general model's training set: simulated micrographs at the canonical scale with their
// complete truth, particle-free ones without picks, real micrographs when present; resumable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGeneralData } from '../../src/general/build-data.js';
import { drawSimMicrograph, GENERAL_TRAIN_MOLECULES } from '../../src/general/sim-recipe.js';
import { realSplit } from '../../src/general/real-sources.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { REALDATA } from '../_paths.js';

test('simulated draws vary and stay in the documented ranges', () => {
  const draws = Array.from({ length: 200 }, (_, i) => drawSimMicrograph(5, i));
  for (const d of draws) {
    const a = d.params.particleDiameterA as number;
    assert.ok(a >= 80 && a <= 400 && d.params.pixelSizeA >= 0.5 && d.params.pixelSizeA <= 5, `${a} Å at ${d.params.pixelSizeA}`);
    assert.ok(d.diameterPx >= 24 && d.diameterPx <= 110);
    assert.ok(d.params.models.every((m) => (GENERAL_TRAIN_MOLECULES as readonly string[]).includes(m)));
  }
  const fields = new Set(draws.map((d) => d.field));
  assert.deepEqual([...fields].sort(), ['crowded', 'empty', 'medium', 'sparse']);
  assert.ok(draws.filter((d) => d.field === 'empty').every((d) => d.params.particlesPerMicrograph === 0));
  assert.deepEqual(drawSimMicrograph(5, 3), draws[3], 'deterministic');
});

test('builds canonical-scale micrographs with picks inside them, and resumes without redoing them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-general-'));
  const real = realSplit(REALDATA, '10028', 'valid');
  const built = await buildGeneralData({ outDir: dir, sim: 12, seed: 3, gridSide: 96, real, realScales: [1] });
  assert.equal(built.length, 12 + real.length);
  for (const m of built) {
    const img = await readMicrograph(m.micrograph);
    if (m.name.startsWith('sim')) assert.ok(Math.abs(img.width - 96) <= 20, `${m.name}: ${img.width} px`);
    if (m.picks === undefined) { assert.equal(m.particles, 0); continue; }
    const picks = (await readCoordinates(m.picks)).flatMap((p) => p.particles);
    assert.equal(picks.length, m.particles);
    for (const p of picks) assert.ok(p.x >= -0.5 && p.y >= -0.5 && p.x < img.width && p.y < img.height);
  }
  assert.ok(built.some((m) => m.particles === 0), 'particle-free micrographs are part of the set');
  if (real.length) {
    const r = built.find((m) => m.name.startsWith('empiar10028')) as (typeof built)[number];
    const img = await readMicrograph(r.micrograph);
    assert.equal(img.width, Math.round(1024 / (56 / 18)), 'a 56 px particle is cropped to 18 px');
  } else {
    process.stdout.write('# ../shared/realdata absent: the real micrographs of the set are not checked\n');
  }
  const first = built[0] as (typeof built)[number];
  const before = (await stat(first.micrograph)).mtimeMs;
  const again = await buildGeneralData({ outDir: dir, sim: 12, seed: 3, gridSide: 96, real, realScales: [1] });
  assert.deepEqual(again.map((m) => m.name), built.map((m) => m.name));
  assert.equal((await stat(first.micrograph)).mtimeMs, before, 'finished micrographs are kept');
  assert.ok(existsSync(join(dir, 'sources.json')));
});
