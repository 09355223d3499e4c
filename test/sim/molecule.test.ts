// Tests of the pseudo-atomic models and the PDB reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_MODELS, builtinMolecule, scaleMolecule, type BuiltinModelName, type Molecule } from '../../src/sim/molecule.js';
import { parsePdb } from '../../src/sim/pdb.js';
import { rotatePoints } from '../../src/sim/rotation.js';
import { symmetryOperators } from '../../src/sim/symmetry.js';
import { FormatError } from '../../src/errors.js';

function centreOfMass(m: Molecule): [number, number, number] {
  let w = 0;
  const c: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < m.weight.length; i++) {
    w += m.weight[i]!;
    for (let k = 0; k < 3; k++) c[k]! += m.weight[i]! * m.xyz[3 * i + k]!;
  }
  return c.map((v) => v / w) as [number, number, number];
}

test('every built-in model is centred, has a plausible size and is the same every time', () => {
  const names = Object.keys(BUILTIN_MODELS) as BuiltinModelName[];
  assert.ok(names.length >= 5);
  for (const name of names) {
    const m = builtinMolecule(name);
    assert.ok(m.weight.length > 300, `${name} has ${m.weight.length} atoms`);
    centreOfMass(m).forEach((v) => assert.ok(Math.abs(v) < 1e-2, `${name} centre ${v}`));
    assert.ok(m.diameterA > 80 && m.diameterA < 300, `${name} diameter ${m.diameterA}`);
    assert.equal(m.symmetry, BUILTIN_MODELS[name].symmetry);
  }
  const sizes = names.map((n) => builtinMolecule(n).diameterA);
  assert.ok(Math.max(...sizes) / Math.min(...sizes) > 1.8, 'models span a range of sizes');
});

test('built-in models are invariant under their point group', () => {
  for (const name of ['barrel-d7', 'cage-t', 'ring-c6'] as const) {
    const m = builtinMolecule(name);
    const ops = symmetryOperators(m.symmetry);
    const op = ops[ops.length - 1]!;
    const moved = rotatePoints(op, m.xyz);
    // every moved atom coincides with some original atom (sample 40 atoms)
    for (let s = 0; s < 40; s++) {
      const i = Math.floor((s * m.weight.length) / 40);
      let best = Infinity;
      for (let j = 0; j < m.weight.length; j++) {
        best = Math.min(best, Math.hypot(moved[3 * i]! - m.xyz[3 * j]!, moved[3 * i + 1]! - m.xyz[3 * j + 1]!, moved[3 * i + 2]! - m.xyz[3 * j + 2]!));
      }
      assert.ok(best < 1e-3, `${name}: atom ${i} maps ${best} Å from the nearest atom`);
    }
  }
});

test('scaling multiplies coordinates, diameter and blur, and weights by the cube', () => {
  const m = builtinMolecule('globule-c1');
  const s = scaleMolecule(m, 2);
  assert.ok(Math.abs(s.diameterA - 2 * m.diameterA) < 1e-6);
  assert.equal(s.xyz[4], m.xyz[4]! * 2);
  assert.equal(s.weight[0], m.weight[0]! * 8);
  assert.equal(s.atomSigmaA, 2 * m.atomSigmaA);
  assert.throws(() => scaleMolecule(m, 0), RangeError);
});

const PDB = [
  'HEADER    TEST',
  'ATOM      1  N   ALA A   1      10.000  10.000  10.000  1.00  0.00           N',
  'ATOM      2  CA  ALA A   1      12.000  10.000  10.000  1.00  0.00           C',
  'HETATM    3 FE   HEM A   2      11.000  14.000  10.000  1.00  0.00          FE',
  'HETATM    4  O   HOH A   3      50.000  50.000  50.000  1.00  0.00           O',
  'ATOM      5  SD  MET A   4      11.000  10.000  16.000  1.00  0.00',
  'ENDMDL',
  'ATOM      6  CA  ALA A   5      99.000  99.000  99.000  1.00  0.00           C',
].join('\n');

test('a PDB file gives its first model\'s atoms, weighted by atomic number, without water', () => {
  const m = parsePdb(PDB, 'x/test.pdb');
  assert.equal(m.name, 'pdb:test.pdb');
  assert.equal(m.weight.length, 4);
  assert.deepEqual(Array.from(m.weight), [7, 6, 26, 16]);
  centreOfMass(m).forEach((v) => assert.ok(Math.abs(v) < 1e-4));
});

test('bad PDB files fail with a located FormatError', () => {
  const cases: { text: string; includes: string }[] = [
    { text: 'HEADER only\nREMARK nothing', includes: 'found none' },
    { text: 'ATOM      1  CA  ALA A   1      1x.000  10.000  10.000  1.00  0.00           C', includes: 'line 1' },
    { text: 'REMARK\nATOM      1  CA  ALA A   1', includes: 'line 2' },
  ];
  for (const c of cases) {
    assert.throws(() => parsePdb(c.text, 'bad.pdb'), (e: unknown) => e instanceof FormatError && e.message.includes('bad.pdb') && e.message.includes(c.includes));
  }
});
