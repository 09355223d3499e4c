// Public surface of the micrograph simulator (re-exports only); see README.md in this folder.
export { simulateMicrograph } from './micrograph.js';
export type { SimulatedMicrograph, SimulatedParticle, MicrographComponents, SimulateMicrographOptions } from './micrograph.js';
export { simulateDataset, micrographSeed, micrographName, coordinatePath } from './dataset.js';
export type { DatasetOptions } from './dataset.js';
export type { SimulationManifest, ManifestMicrograph } from './manifest.js';
export { PRESETS, PRESET_NAMES, simulationProblems, validateSimulationParams } from './params.js';
export type { SimulationParams, PresetName } from './params.js';
export { BUILTIN_MODELS, builtinMolecule, scaleMolecule } from './molecule.js';
export type { Molecule, BuiltinModelName } from './molecule.js';
export { parsePdb, readPdb } from './pdb.js';
export { ctfEvaluator, electronWavelengthA } from './ctf.js';
export type { CtfParams } from './ctf.js';
export { measureSnr, particleMask } from './snr.js';
export type { Contaminant, IceCrystal, CarbonEdge, Junk } from './contaminants.js';
export type { ExclusionReason, PlacedParticle } from './layout.js';
