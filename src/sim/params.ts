// Simulation parameters: the JSON-serialisable description of a synthetic dataset, the `quick`
// and `realistic` presets, and validation that reports every problem at once (ParameterError).
import { ParameterError, type ConfigProblem } from '../errors.js';
import { isBuiltinModel } from './molecule.js';

/** Everything that defines one synthetic micrograph except its seed. Lengths in Å unless named Px. */
export interface SimulationParams {
  readonly width: number;
  readonly height: number;
  readonly pixelSizeA: number;
  /** Built-in model names (see BUILTIN_MODELS) and/or `pdb:PATH` for a PDB file's atoms. */
  readonly models: readonly string[];
  /** Relative abundance of each model (same length as `models`). */
  readonly modelWeights: readonly number[];
  /** Diameter of the largest model after scaling (Å); the others keep their relative sizes. Null = natural size. */
  readonly particleDiameterA: number | null;
  /** Mean number of particles placed per micrograph (isolated + aggregated, before exclusions). */
  readonly particlesPerMicrograph: number;
  /** Fraction of placements that start an aggregate of 2–4 touching particles. */
  readonly aggregateFraction: number;
  /** Requested SNR (see src/sim/README.md): variance of the particle signal inside the particle disks over noise variance. */
  readonly snr: number;
  /** Share of the noise variance that is structural (CTF-filtered ice) noise; the rest is shot noise. */
  readonly structuralNoiseFraction: number;
  /** Electron dose, e⁻/Å²: sets the mean counts per pixel (dose · pixelSize²). */
  readonly doseEPerA2: number;
  readonly voltageKv: number;
  readonly sphericalAberrationMm: number;
  readonly amplitudeContrast: number;
  readonly defocusMinA: number;
  readonly defocusMaxA: number;
  /** Largest |defocusU − defocusV|, Å. */
  readonly astigmatismMaxA: number;
  readonly bFactorMinA2: number;
  readonly bFactorMaxA2: number;
  /** Peak-to-peak relative intensity variation of the uneven ice background (0.1 = ±5 %). */
  readonly iceGradient: number;
  /** Mean number of ice crystals per micrograph (Poisson). */
  readonly iceCrystalsPerMicrograph: number;
  /** Probability that a micrograph shows a carbon edge. */
  readonly carbonProbability: number;
  /** Mean number of small junk objects per micrograph (Poisson). */
  readonly junkPerMicrograph: number;
  /** Fraction of the truth given as sparse "user picks". */
  readonly labelFraction: number;
}

export type PresetName = 'quick' | 'realistic';
export const PRESET_NAMES: readonly PresetName[] = ['quick', 'realistic'];

const COMMON = {
  models: ['barrel-d7', 'cage-t', 'globule-c1'],
  modelWeights: [0.5, 0.3, 0.2],
  aggregateFraction: 0.06,
  structuralNoiseFraction: 0.4,
  doseEPerA2: 40,
  voltageKv: 300,
  sphericalAberrationMm: 2.7,
  amplitudeContrast: 0.07,
  astigmatismMaxA: 600,
  bFactorMinA2: 40,
  bFactorMaxA2: 120,
  iceGradient: 0.12,
  iceCrystalsPerMicrograph: 0.6,
  carbonProbability: 0.3,
  labelFraction: 0.4,
} as const;

/** Presets, with the number of micrographs each makes by default. */
export const PRESETS: Readonly<Record<PresetName, { readonly count: number; readonly params: SimulationParams }>> = {
  // ~4 Å/px (a binned K3 micrograph): particles 25–40 px across, six 1024² images in seconds
  quick: {
    count: 6,
    params: {
      ...COMMON,
      width: 1024,
      height: 1024,
      pixelSizeA: 4,
      particleDiameterA: 160,
      particlesPerMicrograph: 60,
      snr: 0.3,
      defocusMinA: 12000,
      defocusMaxA: 25000,
      junkPerMicrograph: 6,
    },
  },
  // ~1 Å/px 4096² (K2/K3-like): particles 150–240 Å, 20 micrographs
  realistic: {
    count: 20,
    params: {
      ...COMMON,
      width: 4096,
      height: 4096,
      pixelSizeA: 1,
      particleDiameterA: 240,
      particlesPerMicrograph: 100,
      snr: 0.1,
      defocusMinA: 8000,
      defocusMaxA: 22000,
      junkPerMicrograph: 25,
    },
  },
};

function checkRange(problems: ConfigProblem[], path: string, v: number, lo: number, hi: number, loOpen = false): void {
  const ok = Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && v <= hi;
  if (!ok) problems.push({ path, message: `expected a number in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${v}` });
}

/** Every problem with `p` (empty when valid). */
export function simulationProblems(p: SimulationParams): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [k, v] of [['width', p.width], ['height', p.height]] as const) {
    if (!Number.isInteger(v) || v < 64 || v > 16384) problems.push({ path: k, message: `expected an integer in [64, 16384], got ${v}` });
  }
  checkRange(problems, 'pixelSizeA', p.pixelSizeA, 0, 50, true);
  if (p.models.length === 0) problems.push({ path: 'models', message: 'expected at least one model' });
  for (const m of p.models) {
    if (!isBuiltinModel(m) && !m.startsWith('pdb:')) {
      problems.push({ path: 'models', message: `unknown model "${m}" (expected a built-in name or pdb:PATH)` });
    }
  }
  if (p.modelWeights.length !== p.models.length) {
    problems.push({ path: 'modelWeights', message: `expected ${p.models.length} weights, got ${p.modelWeights.length}` });
  }
  if (p.modelWeights.some((w) => !(w > 0 && Number.isFinite(w)))) problems.push({ path: 'modelWeights', message: 'weights must be > 0' });
  if (p.particleDiameterA !== null) checkRange(problems, 'particleDiameterA', p.particleDiameterA, 5, 5000);
  checkRange(problems, 'particlesPerMicrograph', p.particlesPerMicrograph, 0, 100000);
  checkRange(problems, 'aggregateFraction', p.aggregateFraction, 0, 1);
  checkRange(problems, 'snr', p.snr, 0, 1e6, true);
  checkRange(problems, 'structuralNoiseFraction', p.structuralNoiseFraction, 0, 1);
  checkRange(problems, 'doseEPerA2', p.doseEPerA2, 0, 1e6, true);
  checkRange(problems, 'voltageKv', p.voltageKv, 1, 3000);
  checkRange(problems, 'sphericalAberrationMm', p.sphericalAberrationMm, 0, 20);
  checkRange(problems, 'amplitudeContrast', p.amplitudeContrast, 0, 0.99);
  checkRange(problems, 'defocusMinA', p.defocusMinA, 0, 200000);
  checkRange(problems, 'defocusMaxA', p.defocusMaxA, 0, 200000);
  if (p.defocusMaxA < p.defocusMinA) problems.push({ path: 'defocusMaxA', message: `must be >= defocusMinA (${p.defocusMinA}), got ${p.defocusMaxA}` });
  checkRange(problems, 'astigmatismMaxA', p.astigmatismMaxA, 0, 50000);
  checkRange(problems, 'bFactorMinA2', p.bFactorMinA2, 0, 5000);
  checkRange(problems, 'bFactorMaxA2', p.bFactorMaxA2, 0, 5000);
  if (p.bFactorMaxA2 < p.bFactorMinA2) problems.push({ path: 'bFactorMaxA2', message: `must be >= bFactorMinA2 (${p.bFactorMinA2}), got ${p.bFactorMaxA2}` });
  checkRange(problems, 'iceGradient', p.iceGradient, 0, 1);
  checkRange(problems, 'iceCrystalsPerMicrograph', p.iceCrystalsPerMicrograph, 0, 1000);
  checkRange(problems, 'carbonProbability', p.carbonProbability, 0, 1);
  checkRange(problems, 'junkPerMicrograph', p.junkPerMicrograph, 0, 100000);
  checkRange(problems, 'labelFraction', p.labelFraction, 0, 1);
  return problems;
}

/** Throws ParameterError listing every problem when `p` is invalid. */
export function validateSimulationParams(p: SimulationParams): void {
  const problems = simulationProblems(p);
  if (problems.length > 0) throw new ParameterError(problems, 'invalid simulation parameters');
}
