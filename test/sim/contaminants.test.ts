// Tests of contaminant placement and rasterisation: carbon coverage, crystal shapes, junk sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimRandom } from '../../src/sim/_random.js';
import { placeContaminants, rasterizeContaminants, touchesCarbon, type CarbonEdge } from '../../src/sim/contaminants.js';
import { builtinMolecule } from '../../src/sim/molecule.js';

const REQ = { width: 400, height: 300, diameterPx: 30, iceCrystals: 3, carbonProbability: 1, junk: 8 };

test('a carbon edge covers 10–40 % of the image and its rim is a smooth arc', () => {
  for (let seed = 0; seed < 20; seed++) {
    const items = placeContaminants(REQ, new SimRandom(seed));
    const carbon = items.find((c): c is CarbonEdge => c.kind === 'carbon');
    assert.ok(carbon, `seed ${seed}: carbonProbability 1 gives carbon`);
    let on = 0;
    for (let y = 0; y < REQ.height; y += 4) for (let x = 0; x < REQ.width; x += 4) if (touchesCarbon(carbon, x, y, 0)) on++;
    const fraction = on / ((REQ.width / 4) * (REQ.height / 4));
    assert.ok(fraction > 0.08 && fraction < 0.42, `seed ${seed}: carbon covers ${fraction}`);
    assert.ok(carbon.holeRadiusPx >= REQ.width, 'the hole is larger than the image');
  }
  assert.ok(!placeContaminants({ ...REQ, carbonProbability: 0 }, new SimRandom(1)).some((c) => c.kind === 'carbon'));
});

test('ice crystals are hexagon-like and junk is smaller than a particle', () => {
  let crystals = 0;
  let junk = 0;
  for (let seed = 0; seed < 20; seed++) {
    for (const c of placeContaminants(REQ, new SimRandom(seed))) {
      if (c.kind === 'ice-crystal') {
        crystals++;
        assert.equal(c.vertices.length, 6);
        for (const [x, y] of c.vertices) assert.ok(Math.hypot(x - c.x, y - c.y) <= c.radiusPx + 1e-9);
        assert.ok(c.radiusPx >= 0.45 * REQ.diameterPx && c.radiusPx <= 3 * REQ.diameterPx);
      } else if (c.kind === 'junk') {
        junk++;
        assert.ok(c.radiusPx < 0.5 * REQ.diameterPx);
      }
    }
  }
  assert.ok(Math.abs(crystals / 20 - REQ.iceCrystals) < 1.2, `mean crystals ${crystals / 20}`);
  assert.ok(Math.abs(junk / 20 - REQ.junk) < 2, `mean junk ${junk / 20}`);
});

test('rasterising draws crystals and carbon into potential, amplitude and mask', () => {
  const width = 200;
  const height = 160;
  const items = [
    { kind: 'ice-crystal' as const, x: 50, y: 50, radiusPx: 20, dark: true, vertices: Array.from({ length: 6 }, (_, k) => [50 + 18 * Math.cos((k * Math.PI) / 3), 50 + 18 * Math.sin((k * Math.PI) / 3)] as const) },
    { kind: 'carbon' as const, holeX: -1000, holeY: 80, holeRadiusPx: 1150 },
    { kind: 'junk' as const, x: 100, y: 100, radiusPx: 6, source: 'blob' as const },
    { kind: 'junk' as const, x: 60, y: 120, radiusPx: 8, source: 'fragment' as const },
  ];
  const potential = { width, height, data: new Float32Array(width * height) };
  const amplitude = new Float32Array(width * height);
  const carbonMask = new Float32Array(width * height);
  rasterizeContaminants(items, { potential, amplitude, carbonMask }, { pixelSizeA: 4, particlePotential: 100, molecules: [builtinMolecule('cage-t')] }, new SimRandom(3));
  const at = (x: number, y: number): number => y * width + x;
  assert.ok(potential.data[at(50, 50)]! > 50 && amplitude[at(50, 50)]! < -0.1, 'dark crystal');
  assert.equal(amplitude[at(50, 80)], 0, 'outside the crystal');
  assert.equal(carbonMask[at(190, 80)], 1, 'carbon beyond the rim (x > 150)');
  assert.equal(carbonMask[at(100, 80)], 0, 'hole before the rim');
  assert.ok(potential.data[at(100, 100)]! > 0, 'blob junk');
  let fragment = 0;
  for (let y = 100; y < 140; y++) for (let x = 40; x < 80; x++) fragment += potential.data[at(x, y)]!;
  const whole = builtinMolecule('cage-t').weight.reduce((a, b) => a + b, 0);
  assert.ok(fragment > 0 && fragment < 0.8 * whole, `a broken particle is part of one (${fragment} of ${whole})`);
});
