// Tests of simulateDataset: the documented layout, files that read back as the in-memory
// simulation, byte-identical reruns, overwrite protection and extra coordinate formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { micrographSeed, simulateDataset } from '../../src/sim/dataset.js';
import { simulateMicrograph } from '../../src/sim/micrograph.js';
import { PRESETS, type SimulationParams } from '../../src/sim/params.js';
import { readMrc } from '../../src/io/mrc.js';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { micrographKey } from '../../src/io/coords.js';
import { parseStar } from '../../src/io/star.js';
import { FileExistsError } from '../../src/io/atomic-write.js';

const PARAMS: SimulationParams = { ...PRESETS.quick.params, width: 256, height: 256, particlesPerMicrograph: 16, junkPerMicrograph: 2 };

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-sim-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await listFiles(p, `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

test('a dataset has the documented layout and reads back as the in-memory simulation', async () => {
  await withTmp(async (dir) => {
    const out = join(dir, 'ds');
    const manifest = await simulateDataset({ outDir: out, params: PARAMS, count: 3, seed: 5, preset: 'quick' });
    assert.deepEqual(await listFiles(out), [
      'manifest.json',
      'micrographs/sim_0000.mrc', 'micrographs/sim_0001.mrc', 'micrographs/sim_0002.mrc',
      'micrographs.star',
      'picks/sim_0000.star', 'picks/sim_0001.star', 'picks/sim_0002.star',
      'truth/sim_0000.star', 'truth/sim_0001.star', 'truth/sim_0002.star',
    ]);
    const onDisk = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(manifest)));
    assert.equal(manifest.count, 3);
    assert.equal(manifest.pixelSizeA, 4);
    assert.equal(manifest.particleDiameterPx, 40);
    assert.equal(manifest.params.snr, PARAMS.snr);
    const truth = await readCoordinates(join(out, 'truth'));
    const picks = await readCoordinates(join(out, 'picks'));
    for (const [i, m] of manifest.micrographs.entries()) {
      assert.equal(m.seed, micrographSeed(5, i));
      const sim = simulateMicrograph(PARAMS, m.seed);
      const mrc = await readMrc(join(out, m.micrograph));
      assert.equal(mrc.pixelSizeA, 4);
      assert.deepEqual(mrc.images[0]!.data, sim.image.data);
      const t = truth.find((x) => micrographKey(x.micrograph) === m.name)!;
      const p = picks.find((x) => micrographKey(x.micrograph) === m.name)!;
      assert.equal(t.particles.length, sim.truth.length);
      assert.equal(m.truthCount, sim.truth.length);
      assert.equal(p.particles.length, m.pickCount);
      t.particles.forEach((q, k) => {
        assert.ok(Math.abs(q.x - sim.truth[k]!.x) < 1e-4 && Math.abs(q.y - sim.truth[k]!.y) < 1e-4);
      });
      for (const q of p.particles) assert.ok(t.particles.some((u) => u.x === q.x && u.y === q.y), 'picks are a subset of truth');
      assert.ok(Math.abs(m.measuredSnr / PARAMS.snr - 1) < 0.1);
    }
    assert.equal(manifest.totals.truth, truth.reduce((s, m) => s + m.particles.length, 0));
    // micrographs.star gives RELION each micrograph's true CTF
    const star = parseStar(await readFile(join(out, 'micrographs.star'), 'utf8')).file;
    const mics = star.blocks.find((b) => b.name === 'micrographs')!.loops[0]!;
    assert.equal(mics.rows.length, 3);
    const du = mics.labels.indexOf('rlnDefocusU');
    manifest.micrographs.forEach((m, i) => {
      assert.equal(mics.rows[i]![mics.labels.indexOf('rlnMicrographName')], m.micrograph);
      assert.ok(Math.abs(Number(mics.rows[i]![du]) - m.ctf.defocusUA) < 0.01);
    });
    assert.ok(star.blocks.some((b) => b.name === 'optics'));
  });
});

test('the same seed writes byte-identical files; another seed does not', async () => {
  await withTmp(async (dir) => {
    const opts = { params: PARAMS, count: 2, formats: ['box', 'topaz'] as const };
    await simulateDataset({ ...opts, outDir: join(dir, 'a'), seed: 9 });
    await simulateDataset({ ...opts, outDir: join(dir, 'b'), seed: 9 });
    await simulateDataset({ ...opts, outDir: join(dir, 'c'), seed: 10 });
    const files = await listFiles(join(dir, 'a'));
    assert.deepEqual(await listFiles(join(dir, 'b')), files);
    for (const f of files) assert.deepEqual(await readFile(join(dir, 'b', f)), await readFile(join(dir, 'a', f)), f);
    assert.notDeepEqual(await readFile(join(dir, 'c', 'micrographs/sim_0000.mrc')), await readFile(join(dir, 'a', 'micrographs/sim_0000.mrc')));
  });
});

test('existing outputs are never replaced without overwrite, and nothing is written', async () => {
  await withTmp(async (dir) => {
    const out = join(dir, 'ds');
    await simulateDataset({ outDir: out, params: PARAMS, count: 1, seed: 1 });
    const before = await readFile(join(out, 'micrographs/sim_0000.mrc'));
    await assert.rejects(simulateDataset({ outDir: out, params: PARAMS, count: 2, seed: 2 }), FileExistsError);
    assert.deepEqual(await readFile(join(out, 'micrographs/sim_0000.mrc')), before);
    assert.deepEqual(await listFiles(out), ['manifest.json', 'micrographs/sim_0000.mrc', 'micrographs.star', 'picks/sim_0000.star', 'truth/sim_0000.star']);
    const m = await simulateDataset({ outDir: out, params: PARAMS, count: 1, seed: 2, overwrite: true });
    assert.equal(m.seed, 2);
    assert.notDeepEqual(await readFile(join(out, 'micrographs/sim_0000.mrc')), before);
  });
});

test('extra coordinate formats are written where the manifest says, with the same particles', async () => {
  await withTmp(async (dir) => {
    const out = join(dir, 'ds');
    const m = await simulateDataset({ outDir: out, params: PARAMS, count: 2, seed: 3, formats: ['box', 'topaz', 'csv', 'star-autopick'] });
    assert.deepEqual(m.coordinateFormats, ['star', 'box', 'topaz', 'csv', 'star-autopick']);
    const star = await readCoordinates(join(out, 'truth'), { format: 'star' });
    const count = (picks: { particles: readonly unknown[] }[]): number => picks.reduce((s, x) => s + x.particles.length, 0);
    for (const extra of m.extraCoordinateFiles) {
      const path = join(out, extra.truth);
      const read = extra.format === 'box' || extra.format === 'csv'
        ? await readCoordinates(path, { format: extra.format, boxSize: 40 })
        : await readCoordinates(path, { format: extra.format, projectDir: out });
      assert.equal(count(read), count(star), `${extra.format} at ${extra.truth}`);
    }
  });
});

test('bad dataset options fail before anything is written', async () => {
  await withTmp(async (dir) => {
    const out = join(dir, 'ds');
    await assert.rejects(simulateDataset({ outDir: out, params: PARAMS, count: 0, seed: 1 }), /count/);
    await assert.rejects(simulateDataset({ outDir: out, params: { ...PARAMS, pixelSizeA: -1 }, count: 1, seed: 1 }), /pixelSizeA/);
    await assert.rejects(stat(out));
  });
});
