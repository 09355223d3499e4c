// Tests of `cryopick simulate`: options reach the simulation, the summary is printed, and user
// mistakes give exit codes 2 (usage) or 1 (bad values / existing output) with one-line messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { paramsFromFlags } from '../../src/cli/commands/simulate.js';
import { UsageError } from '../../src/errors.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

test('every option reaches the parameters', () => {
  const { preset, count, params } = paramsFromFlags({
    preset: 'quick', count: '3', size: '300x200', pixelSizeA: '2.5', particleDiameterA: '120', models: 'ring-c6:2,dimer-c2',
    particlesPerMicrograph: '12', snr: '0.2', defocusMin: '1.1', defocusMax: '2.4', astigmatism: '300', bFactorMin: '10',
    bFactorMax: '20', voltage: '200', cs: '2', amplitudeContrast: '0.1', dose: '50', structuralNoise: '0.3', iceGradient: '0.05',
    iceCrystals: '1', carbon: '0.5', junk: '4', aggregates: '0.1', labelFraction: '0.35',
  });
  assert.equal(preset, 'quick');
  assert.equal(count, 3);
  assert.deepEqual(params, {
    ...params,
    width: 300, height: 200, pixelSizeA: 2.5, particleDiameterA: 120, models: ['ring-c6', 'dimer-c2'], modelWeights: [2, 1],
    particlesPerMicrograph: 12, snr: 0.2, defocusMinA: 11000, defocusMaxA: 24000, astigmatismMaxA: 300, bFactorMinA2: 10,
    bFactorMaxA2: 20, voltageKv: 200, sphericalAberrationMm: 2, amplitudeContrast: 0.1, doseEPerA2: 50,
    structuralNoiseFraction: 0.3, iceGradient: 0.05, iceCrystalsPerMicrograph: 1, carbonProbability: 0.5,
    junkPerMicrograph: 4, aggregateFraction: 0.1, labelFraction: 0.35,
  });
  assert.equal(paramsFromFlags({ preset: 'realistic' }).params.width, 4096);
  assert.equal(paramsFromFlags({ pdb: 'x.pdb' }).params.particleDiameterA, null);
  assert.deepEqual(paramsFromFlags({ pdb: 'x.pdb', models: 'cage-o' }).params.models, ['cage-o', 'pdb:x.pdb']);
  for (const flags of [{ preset: 'huge' }, { snr: 'abc' }, { size: '12by3' }, { count: '0' }, { models: 'a:-1' }]) {
    assert.throws(() => paramsFromFlags(flags), UsageError, JSON.stringify(flags));
  }
});

test('cryopick simulate writes a dataset, prints a summary and refuses to overwrite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-sim-cli-'));
  try {
    const out = join(dir, 'ds');
    const args = ['simulate', '--out', out, '--size', '200', '--count', '2', '--particles-per-micrograph', '8', '--seed', '4', '--quiet', '--format', 'box'];
    const first = await run(args);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /wrote 2 micrographs of 200x200 at 4 Å\/px/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.seed, 4);
    assert.equal(manifest.params.particlesPerMicrograph, 8);
    assert.deepEqual(manifest.coordinateFormats, ['star', 'box']);
    const again = await run(args);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists.*--overwrite/);
    assert.equal((await run([...args, '--overwrite'])).code, 0);
    const bad = await run(['simulate', '--out', out, '--format', 'xyz']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown format 'xyz'/);
    const badValue = await run(['simulate', '--out', join(dir, 'x'), '--size', '20', '--overwrite']);
    assert.equal(badValue.code, 2);
    assert.match(badValue.err, /width/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cryopick simulate --pdb simulates a PDB file\'s atoms at their real size', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-sim-pdb-'));
  try {
    // a 60 Å rod of carbon atoms every 1.5 Å, plus a side arm
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const x = (i * 1.5).toFixed(3).padStart(8);
      lines.push(`ATOM  ${String(i + 1).padStart(5)}  CA  ALA A${String(i + 1).padStart(4)}    ${x}   0.000   0.000  1.00  0.00           C`);
    }
    lines.push('ATOM     41  CA  ALA A  41      30.000  20.000   0.000  1.00  0.00           C');
    const pdb = join(dir, 'rod.pdb');
    await writeFile(pdb, `${lines.join('\n')}\n`);
    const out = join(dir, 'ds');
    const r = await run(['simulate', '--out', out, '--pdb', pdb, '--size', '160', '--pixel-size', '2', '--count', '1', '--quiet']);
    assert.equal(r.code, 0, r.err);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.models.length, 1);
    assert.equal(manifest.models[0].name, `pdb:${pdb}`);
    assert.ok(manifest.particleDiameterA > 55 && manifest.particleDiameterA < 75, `diameter ${manifest.particleDiameterA}`);
    const missing = await run(['simulate', '--out', join(dir, 'y'), '--pdb', join(dir, 'none.pdb'), '--size', '100', '--quiet']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /none\.pdb/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
