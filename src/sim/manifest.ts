// The manifest.json of a simulated dataset: every parameter, the seeds, per-micrograph imaging
// values and counts, and the files written. It holds no timestamps, so equal seeds give equal bytes.
import type { CoordinateFormat } from '../io/coordinate-formats.js';
import type { CtfParams } from './ctf.js';
import type { ExclusionReason } from './layout.js';
import type { SimulatedMicrograph } from './micrograph.js';
import type { ModelSet } from './model-set.js';
import type { PresetName, SimulationParams } from './params.js';

export const MANIFEST_FORMAT = 'cryopick-simulation';
export const MANIFEST_VERSION = 1;

export interface ManifestMicrograph {
  readonly name: string;
  /** Seed passed to simulateMicrograph for this micrograph. */
  readonly seed: number;
  /** Paths relative to the dataset folder. */
  readonly micrograph: string;
  readonly truth: string;
  readonly picks: string;
  readonly truthCount: number;
  readonly pickCount: number;
  /** Every particle placed, including those left out of the truth. */
  readonly placedCount: number;
  readonly excluded: Readonly<Partial<Record<ExclusionReason, number>>>;
  readonly iceCrystals: number;
  readonly carbon: boolean;
  readonly junk: number;
  readonly ctf: CtfParams;
  readonly measuredSnr: number;
  readonly meanCounts: number;
}

export interface SimulationManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: number;
  readonly seed: number;
  readonly preset: PresetName | null;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly pixelSizeA: number;
  /** Nominal particle diameter: that of the largest model. */
  readonly particleDiameterA: number;
  readonly particleDiameterPx: number;
  readonly models: readonly { name: string; symmetry: string; atoms: number; diameterA: number; diameterPx: number; fraction: number }[];
  readonly labelFraction: number;
  readonly snr: number;
  readonly params: SimulationParams;
  /** Coordinate formats written; `star` is always first (truth/<name>.star, picks/<name>.star). */
  readonly coordinateFormats: readonly CoordinateFormat[];
  /** RELION micrographs.star with each micrograph's true CTF (relative path). */
  readonly micrographsStar: string;
  /** Where the other formats went (relative paths; a trailing / means one file per micrograph). */
  readonly extraCoordinateFiles: readonly { format: CoordinateFormat; truth: string; picks: string }[];
  readonly totals: { readonly placed: number; readonly truth: number; readonly picks: number };
  readonly micrographs: readonly ManifestMicrograph[];
}

export interface MicrographEntry {
  readonly name: string;
  readonly seed: number;
  readonly sim: SimulatedMicrograph;
}

export interface ManifestInput {
  readonly seed: number;
  readonly preset: PresetName | null;
  readonly params: SimulationParams;
  readonly models: ModelSet;
  readonly formats: readonly CoordinateFormat[];
  readonly entries: readonly MicrographEntry[];
  readonly truthPath: (name: string) => string;
  readonly picksPath: (name: string) => string;
  readonly extraFiles: readonly { format: CoordinateFormat; truth: string; picks: string }[];
}

const round = (v: number, digits = 4): number => Number(v.toFixed(digits));

export function buildManifest(input: ManifestInput): SimulationManifest {
  const px = input.params.pixelSizeA;
  const micrographs = input.entries.map(({ name, seed, sim }): ManifestMicrograph => {
    const excluded: Partial<Record<ExclusionReason, number>> = {};
    for (const p of sim.particles) if (p.excluded !== null) excluded[p.excluded] = (excluded[p.excluded] ?? 0) + 1;
    return {
      name,
      seed,
      micrograph: `micrographs/${name}.mrc`,
      truth: input.truthPath(name),
      picks: input.picksPath(name),
      truthCount: sim.truth.length,
      pickCount: sim.userPicks.length,
      placedCount: sim.particles.length,
      excluded,
      iceCrystals: sim.contaminants.filter((c) => c.kind === 'ice-crystal').length,
      carbon: sim.contaminants.some((c) => c.kind === 'carbon'),
      junk: sim.contaminants.filter((c) => c.kind === 'junk').length,
      ctf: {
        ...sim.ctf,
        defocusUA: round(sim.ctf.defocusUA, 2),
        defocusVA: round(sim.ctf.defocusVA, 2),
        astigmatismAngleDeg: round(sim.ctf.astigmatismAngleDeg, 3),
        bFactorA2: round(sim.ctf.bFactorA2, 3),
      },
      measuredSnr: round(sim.measuredSnr, 6),
      meanCounts: sim.meanCounts,
    };
  });
  const sum = (f: (m: ManifestMicrograph) => number): number => micrographs.reduce((s, m) => s + f(m), 0);
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    seed: input.seed,
    preset: input.preset,
    count: micrographs.length,
    width: input.params.width,
    height: input.params.height,
    pixelSizeA: px,
    particleDiameterA: round(input.models.maxDiameterA, 2),
    particleDiameterPx: round(input.models.maxDiameterA / px, 2),
    models: input.models.molecules.map((m, i) => ({
      name: input.params.models[i] ?? m.name,
      symmetry: m.symmetry,
      atoms: m.weight.length,
      diameterA: round(m.diameterA, 2),
      diameterPx: round(m.diameterA / px, 2),
      fraction: round(input.models.fractions[i] ?? 0, 6),
    })),
    labelFraction: input.params.labelFraction,
    snr: input.params.snr,
    params: input.params,
    coordinateFormats: input.formats,
    micrographsStar: 'micrographs.star',
    extraCoordinateFiles: input.extraFiles,
    totals: { placed: sum((m) => m.placedCount), truth: sum((m) => m.truthCount), picks: sum((m) => m.pickCount) },
    micrographs,
  };
}
