// Pseudo-atomic 3D models for the simulator: built-in molecules of different sizes and point-group
// symmetries (residue-sized pseudo-atoms filling ellipsoidal domains), and scaling.
import { SimRandom, hashString } from './_random.js';
import { rotatePoints } from './rotation.js';
import { symmetryOperators, type PointGroup } from './symmetry.js';

/** A rigid molecule: atom positions in Å centred on the centre of mass, with scattering weights. */
export interface Molecule {
  readonly name: string;
  readonly symmetry: PointGroup;
  /** Interleaved x, y, z in Å, centre of mass at the origin. */
  readonly xyz: Float32Array;
  /** Scattering weight per atom (atomic number, or residue mass units for pseudo-atoms). */
  readonly weight: Float32Array;
  /** Gaussian blur (standard deviation, Å) that turns each atom into a density blob. */
  readonly atomSigmaA: number;
  /** Twice the largest distance of an atom from the centre of mass, in Å. */
  readonly diameterA: number;
}

interface DomainSpec {
  /** Domain centre in Å, in the asymmetric unit. */
  readonly centre: readonly [number, number, number];
  /** Ellipsoid semi-axes in Å. */
  readonly semi: readonly [number, number, number];
}

interface ModelSpec {
  readonly symmetry: PointGroup;
  readonly description: string;
  readonly domains: readonly DomainSpec[];
}

/** The built-in models: name → symmetry and asymmetric-unit domains (sizes in Å). */
export const BUILTIN_MODELS = {
  'barrel-d7': {
    symmetry: 'D7',
    description: 'proteasome-like barrel of four stacked heptameric rings',
    domains: [
      { centre: [44, 0, 52], semi: [20, 18, 17] },
      { centre: [40, 0, 17], semi: [20, 18, 16] },
    ],
  },
  'cage-t': {
    symmetry: 'T',
    description: 'tetrahedral 12-mer shell',
    domains: [{ centre: [18, 10, 44], semi: [22, 18, 15] }],
  },
  'globule-c1': {
    symmetry: 'C1',
    description: 'asymmetric three-domain protein',
    domains: [
      { centre: [0, 0, 0], semi: [33, 27, 24] },
      { centre: [36, 15, 8], semi: [22, 19, 17] },
      { centre: [-18, 35, -13], semi: [19, 17, 15] },
    ],
  },
  'ring-c6': {
    symmetry: 'C6',
    description: 'flat hexameric ring with a central channel',
    domains: [
      { centre: [38, 0, 0], semi: [17, 15, 22] },
      { centre: [22, 10, 22], semi: [10, 9, 9] },
    ],
  },
  'dimer-c2': {
    symmetry: 'C2',
    description: 'elongated two-domain dimer',
    domains: [
      { centre: [26, 0, 0], semi: [26, 17, 17] },
      { centre: [62, 6, 12], semi: [14, 13, 13] },
    ],
  },
  'cage-o': {
    symmetry: 'O',
    description: 'ferritin-like hollow octahedral 24-mer',
    domains: [{ centre: [18, 10, 44], semi: [20, 10, 10] }],
  },
  'capsid-i': {
    symmetry: 'I',
    description: 'icosahedral virus-like shell of 60 subunits',
    domains: [{ centre: [30, 20, 100], semi: [17, 15, 11] }],
  },
} as const satisfies Record<string, ModelSpec>;

export type BuiltinModelName = keyof typeof BUILTIN_MODELS;

export function isBuiltinModel(name: string): name is BuiltinModelName {
  return Object.prototype.hasOwnProperty.call(BUILTIN_MODELS, name);
}

/** Mean volume of one residue in Å³ (≈ 110 Da at 1.35 g/cm³), used to size the chains. */
const RESIDUE_VOLUME_A3 = 135;
/** Blur of a residue-sized pseudo-atom (Å). */
const PSEUDO_ATOM_SIGMA_A = 3.0;

/**
 * Residue-sized pseudo-atoms filling one ellipsoidal domain at protein density: a jittered cubic
 * lattice (spacing = cube root of the residue volume), so the domain projects as a nearly uniform
 * density with residue-scale texture, as a real protein does at 5–10 Å resolution.
 */
function domainAtoms(spec: DomainSpec, rng: SimRandom): number[] {
  const [a, b, c] = spec.semi;
  const s = Math.cbrt(RESIDUE_VOLUME_A3);
  const pts: number[] = [];
  for (let z = -c; z <= c; z += s) {
    for (let y = -b; y <= b; y += s) {
      for (let x = -a; x <= a; x += s) {
        const px = x + rng.range(-0.4, 0.4) * s;
        const py = y + rng.range(-0.4, 0.4) * s;
        const pz = z + rng.range(-0.4, 0.4) * s;
        if ((px / a) ** 2 + (py / b) ** 2 + (pz / c) ** 2 > 1) continue;
        pts.push(spec.centre[0] + px, spec.centre[1] + py, spec.centre[2] + pz);
      }
    }
  }
  return pts;
}

/** Centres atoms on their weighted centre of mass and returns the molecule. */
export function makeMolecule(
  name: string,
  symmetry: PointGroup,
  xyz: Float32Array,
  weight: Float32Array,
  atomSigmaA: number,
): Molecule {
  if (xyz.length !== weight.length * 3) throw new RangeError('xyz must hold three values per weight');
  if (weight.length === 0) throw new RangeError(`molecule ${name} has no atoms`);
  let wsum = 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i]!;
    wsum += w;
    cx += w * xyz[3 * i]!;
    cy += w * xyz[3 * i + 1]!;
    cz += w * xyz[3 * i + 2]!;
  }
  cx /= wsum;
  cy /= wsum;
  cz /= wsum;
  const out = new Float32Array(xyz.length);
  let r2max = 0;
  for (let i = 0; i < weight.length; i++) {
    const x = xyz[3 * i]! - cx;
    const y = xyz[3 * i + 1]! - cy;
    const z = xyz[3 * i + 2]! - cz;
    out[3 * i] = x;
    out[3 * i + 1] = y;
    out[3 * i + 2] = z;
    r2max = Math.max(r2max, x * x + y * y + z * z);
  }
  return { name, symmetry, xyz: out, weight: weight.slice(), atomSigmaA, diameterA: 2 * Math.sqrt(r2max) };
}

const cache = new Map<BuiltinModelName, Molecule>();

/** A built-in model at its natural size; the same name always gives the same atoms. */
export function builtinMolecule(name: BuiltinModelName): Molecule {
  const hit = cache.get(name);
  if (hit) return hit;
  const spec: ModelSpec = BUILTIN_MODELS[name];
  const rng = new SimRandom(hashString(`cryopick-model:${name}`));
  const asym: number[] = [];
  for (const d of spec.domains) asym.push(...domainAtoms(d, rng));
  const asymXyz = Float32Array.from(asym);
  const ops = symmetryOperators(spec.symmetry);
  const xyz = new Float32Array(asymXyz.length * ops.length);
  ops.forEach((op, k) => xyz.set(rotatePoints(op, asymXyz), k * asymXyz.length));
  // a residue (~110 Da) scatters about like 55 electrons, so pseudo-atoms and PDB atoms mix
  const weight = new Float32Array(xyz.length / 3).fill(55);
  const mol = makeMolecule(name, spec.symmetry, xyz, weight, PSEUDO_ATOM_SIGMA_A);
  cache.set(name, mol);
  return mol;
}

/**
 * The molecule scaled by `factor` about its centre. Weights grow as factor³ so that projected
 * density per Å² grows with thickness, as for a real larger particle; the blur scales too.
 */
export function scaleMolecule(mol: Molecule, factor: number): Molecule {
  if (!(factor > 0)) throw new RangeError(`scale factor must be > 0, got ${factor}`);
  const xyz = mol.xyz.map((v) => v * factor);
  const weight = mol.weight.map((w) => w * factor ** 3);
  return { ...mol, xyz, weight, atomSigmaA: mol.atomSigmaA * factor, diameterA: mol.diameterA * factor };
}
