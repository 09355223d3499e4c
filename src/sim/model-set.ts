// Resolves the model names of a simulation (built-ins and pdb:PATH) into scaled molecules,
// cached so that every micrograph of a dataset reuses the same atoms.
import { builtinMolecule, isBuiltinModel, scaleMolecule, type Molecule } from './molecule.js';
import { readPdb } from './pdb.js';
import type { SimulationParams } from './params.js';

/** The molecules of a simulation at their simulated size, with their relative abundances. */
export interface ModelSet {
  readonly molecules: readonly Molecule[];
  /** Abundances normalised to sum to 1, same order as `molecules`. */
  readonly fractions: readonly number[];
  /** Diameter of the largest molecule, Å (the nominal particle diameter). */
  readonly maxDiameterA: number;
  /** Blur applied to every atom (the largest atom blur of the set), Å. */
  readonly atomSigmaA: number;
}

const cache = new Map<string, ModelSet>();

function loadModel(name: string): Molecule {
  if (isBuiltinModel(name)) return builtinMolecule(name);
  if (name.startsWith('pdb:')) return readPdb(name.slice(4));
  throw new RangeError(`unknown model "${name}"`);
}

/** Loads and scales the models of `params` so that the largest has `particleDiameterA`. */
export function resolveModels(params: Pick<SimulationParams, 'models' | 'modelWeights' | 'particleDiameterA'>): ModelSet {
  const key = JSON.stringify([params.models, params.modelWeights, params.particleDiameterA]);
  const hit = cache.get(key);
  if (hit) return hit;
  const natural = params.models.map(loadModel);
  const largest = Math.max(...natural.map((m) => m.diameterA));
  const factor = params.particleDiameterA === null ? 1 : params.particleDiameterA / largest;
  const molecules = factor === 1 ? natural : natural.map((m) => scaleMolecule(m, factor));
  const total = params.modelWeights.reduce((a, b) => a + b, 0);
  const set: ModelSet = {
    molecules,
    fractions: params.modelWeights.map((w) => w / total),
    maxDiameterA: largest * factor,
    atomSigmaA: Math.max(...molecules.map((m) => m.atomSigmaA)),
  };
  cache.set(key, set);
  return set;
}
