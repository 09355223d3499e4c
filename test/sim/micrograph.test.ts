// Tests of simulateMicrograph: truth on particles, exclusions, user picks, determinism and SNR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateMicrograph, type SimulatedMicrograph } from '../../src/sim/micrograph.js';
import { PRESETS, type SimulationParams } from '../../src/sim/params.js';
import { resolveModels } from '../../src/sim/model-set.js';
import { measureSnr } from '../../src/sim/snr.js';
import { touchesCarbon, type CarbonEdge } from '../../src/sim/contaminants.js';
import { ConfigError } from '../../src/errors.js';

/** Quick-preset physics on a small image so each simulation takes a few tens of milliseconds. */
const SMALL: SimulationParams = { ...PRESETS.quick.params, width: 320, height: 288, particlesPerMicrograph: 14, junkPerMicrograph: 2 };

const cache = new Map<string, SimulatedMicrograph>();
function sim(params: SimulationParams, seed: number): SimulatedMicrograph {
  const key = `${JSON.stringify(params)}#${seed}`;
  let r = cache.get(key);
  if (!r) {
    r = simulateMicrograph(params, seed, { keepComponents: true });
    cache.set(key, r);
  }
  return r;
}

test('truth centres lie on particles: the projected mass around each is the whole particle, and far above background', () => {
  for (const seed of [1, 2, 3]) {
    const r = sim(SMALL, seed);
    const proj = r.components!.projection;
    const models = resolveModels(SMALL);
    // bilinear splatting reaches at most one pixel beyond a particle's disk: mark that zone
    const near = new Uint8Array(proj.length);
    for (const p of r.particles) {
      const reach = p.diameterPx / 2 + 1.5;
      for (let y = Math.max(0, Math.floor(p.y - reach)); y <= Math.min(SMALL.height - 1, Math.ceil(p.y + reach)); y++) {
        for (let x = Math.max(0, Math.floor(p.x - reach)); x <= Math.min(SMALL.width - 1, Math.ceil(p.x + reach)); x++) {
          if (Math.hypot(p.x - x, p.y - y) <= reach) near[y * SMALL.width + x] = 1;
        }
      }
    }
    let background = 0;
    for (let i = 0; i < proj.length; i++) if (near[i] === 0) background = Math.max(background, proj[i]!);
    assert.ok(background < 1e-6, `no projected mass outside particle disks (max ${background})`);
    assert.ok(r.truth.length > 0);
    for (const t of r.truth) {
      const placed = r.particles.find((p) => p.x === t.x && p.y === t.y)!;
      const mass = models.molecules[placed.model]!.weight.reduce((a, b) => a + b, 0);
      const rad = t.diameter! / 2 + 1.5;
      let inside = 0;
      for (let y = Math.floor(t.y - rad); y <= Math.ceil(t.y + rad); y++) {
        for (let x = Math.floor(t.x - rad); x <= Math.ceil(t.x + rad); x++) {
          if (Math.hypot(x - t.x, y - t.y) <= rad) inside += proj[y * SMALL.width + x]!;
        }
      }
      assert.ok(Math.abs(inside - mass) < 1e-3 * mass, `seed ${seed}: mass ${inside} of ${mass} around truth centre`);
      // the inner half of the disk holds a good share of the particle's mean density (barrels seen
      // end-on and rings have a hole exactly at the centre, so a single pixel is not enough)
      const inner = t.diameter! / 4;
      let centre = 0;
      let area = 0;
      for (let y = Math.floor(t.y - inner); y <= Math.ceil(t.y + inner); y++) {
        for (let x = Math.floor(t.x - inner); x <= Math.ceil(t.x + inner); x++) {
          if (Math.hypot(x - t.x, y - t.y) > inner) continue;
          centre += proj[y * SMALL.width + x]!;
          area++;
        }
      }
      const meanDensity = mass / (Math.PI * (t.diameter! / 2) ** 2);
      assert.ok(centre / area > 0.3 * meanDensity, `centre density ${centre / area} vs particle mean ${meanDensity}`);
    }
  }
});

test('particles are dark in the image, as in raw cryo-EM micrographs', () => {
  const r = sim(SMALL, 4);
  const c = r.components!;
  let inside = 0;
  let n = 0;
  for (let i = 0; i < c.signal.length; i++) {
    if (c.particleMask[i] === 0) continue;
    inside += r.image.data[i]! - c.background[i]!;
    n++;
  }
  assert.ok(inside / n < -0.2 * Math.sqrt(r.meanCounts) * Math.sqrt(SMALL.snr) * 0.1, `mean particle contrast ${inside / n}`);
});

test('the same seed gives identical bytes; another seed gives a different micrograph', () => {
  const a = simulateMicrograph(SMALL, 77);
  const b = simulateMicrograph(SMALL, 77);
  const c = simulateMicrograph(SMALL, 78);
  assert.deepEqual(Buffer.from(a.image.data.buffer), Buffer.from(b.image.data.buffer));
  assert.deepEqual(a.truth, b.truth);
  assert.deepEqual(a.userPicks, b.userPicks);
  assert.deepEqual(a.ctf, b.ctf);
  assert.notDeepEqual(Buffer.from(a.image.data.buffer), Buffer.from(c.image.data.buffer));
  assert.notDeepEqual(a.truth, c.truth);
});

test('the SNR measured on the image is within 10 % of the request', () => {
  for (const snr of [0.02, 0.3, 2]) {
    const r = sim({ ...SMALL, snr, carbonProbability: 1, iceCrystalsPerMicrograph: 2 }, 5);
    const c = r.components!;
    // independent of the scaling code: noise = image − background − signal
    const noise = new Float64Array(c.signal.length);
    let maxDiff = 0;
    for (let i = 0; i < noise.length; i++) {
      noise[i] = r.image.data[i]! - c.background[i]! - c.signal[i]!;
      maxDiff = Math.max(maxDiff, Math.abs(noise[i]! - c.noise[i]!));
    }
    assert.ok(maxDiff < 1e-3 * Math.sqrt(r.meanCounts), `components add up to the image (off by ${maxDiff})`);
    const measured = measureSnr(c.signal, noise, c.particleMask);
    assert.ok(Math.abs(measured / snr - 1) < 0.1, `requested ${snr}, measured ${measured}`);
    assert.ok(Math.abs(r.measuredSnr / snr - 1) < 0.1);
    // noise variance is the Poisson variance at the dose
    const v = noise.reduce((s, x) => s + x * x, 0) / noise.length;
    assert.ok(Math.abs(v / r.meanCounts - 1) < 0.05, `noise variance ${v}, mean counts ${r.meanCounts}`);
  }
});

test('truth holds only isolated, intact, fully-inside particles away from contaminants', () => {
  const params = { ...SMALL, particlesPerMicrograph: 40, aggregateFraction: 0.2, carbonProbability: 1, iceCrystalsPerMicrograph: 2, junkPerMicrograph: 6 };
  const seen = new Set<string>();
  for (const seed of [10, 11, 12, 13]) {
    const r = sim(params, seed);
    const carbon = r.contaminants.find((c): c is CarbonEdge => c.kind === 'carbon');
    assert.ok(carbon, 'carbonProbability 1 always gives a carbon edge');
    for (const p of r.particles) {
      const rad = p.diameterPx / 2;
      const edge = p.x - rad < 0 || p.y - rad < 0 || p.x + rad > params.width - 1 || p.y + rad > params.height - 1;
      const overlap = r.particles.some((q) => q !== p && Math.hypot(q.x - p.x, q.y - p.y) < rad + q.diameterPx / 2);
      const onCarbon = touchesCarbon(carbon, p.x, p.y, rad);
      const nearObstacle = r.contaminants.some((c) => c.kind !== 'carbon' && Math.hypot(c.x - p.x, c.y - p.y) < rad + c.radiusPx);
      const bad = edge || overlap || onCarbon || nearObstacle;
      assert.equal(p.excluded !== null, bad, `particle at (${p.x}, ${p.y}): excluded=${p.excluded}`);
      if (p.excluded) seen.add(p.excluded);
      if (p.aggregate >= 0) assert.ok(p.excluded !== null, 'aggregated particles touch their neighbours');
    }
    const truthKeys = new Set(r.truth.map((t) => `${t.x},${t.y}`));
    assert.deepEqual(truthKeys, new Set(r.particles.filter((p) => p.excluded === null).map((p) => `${p.x},${p.y}`)));
  }
  for (const reason of ['edge', 'overlap', 'carbon']) assert.ok(seen.has(reason), `some particle was excluded for ${reason}`);
});

test('user picks are a subset of the truth with the requested fraction', () => {
  for (const labelFraction of [0, 0.3, 0.5, 1]) {
    const r = simulateMicrograph({ ...SMALL, width: 200, height: 200, particlesPerMicrograph: 14, labelFraction }, 21);
    assert.equal(r.userPicks.length, Math.round(labelFraction * r.truth.length));
    const truth = new Set(r.truth.map((t) => `${t.x},${t.y},${t.diameter}`));
    for (const p of r.userPicks) assert.ok(truth.has(`${p.x},${p.y},${p.diameter}`));
    assert.equal(new Set(r.userPicks.map((p) => `${p.x},${p.y}`)).size, r.userPicks.length);
  }
});

test('truth particles carry their model\'s diameter in pixels and the image its pixel size', () => {
  const r = sim(SMALL, 1);
  const diameters = resolveModels(SMALL).molecules.map((m) => m.diameterA / SMALL.pixelSizeA);
  for (const t of r.truth) assert.ok(diameters.some((d) => Math.abs(d - t.diameter!) < 1e-9));
  assert.equal(r.image.pixelSizeA, SMALL.pixelSizeA);
  assert.equal(r.image.width, 320);
  assert.equal(r.image.height, 288);
});

test('invalid parameters fail with one ConfigError listing every problem', () => {
  assert.throws(
    () => simulateMicrograph({ ...SMALL, width: 10, snr: -1, models: ['nope'], labelFraction: 2 }, 1),
    (e: unknown) => e instanceof ConfigError && e.problems.length >= 4 && e.message.includes('nope'),
  );
});
