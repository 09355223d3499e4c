// simulateDataset: writes a synthetic dataset (MRC micrographs, per-micrograph truth and sparse
// user picks as RELION STAR plus any other coordinate format, and manifest.json) into one folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileExistsError, writeFileAtomic } from '../io/atomic-write.js';
import { FORMAT_EXTENSIONS, writeCoordinates, type CoordinateFormat } from '../io/coordinate-formats.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from '../io/coords.js';
import { writeMrc } from '../io/mrc.js';
import { ConfigError } from '../errors.js';
import { SimRandom } from './_random.js';
import { formatMicrographsStar } from './micrographs-star.js';
import { buildManifest, type MicrographEntry, type SimulationManifest } from './manifest.js';
import { simulateMicrograph } from './micrograph.js';
import { resolveModels } from './model-set.js';
import { validateSimulationParams, type PresetName, type SimulationParams } from './params.js';

export interface DatasetOptions {
  /** Output folder (created if missing). */
  readonly outDir: string;
  readonly params: SimulationParams;
  /** Number of micrographs. */
  readonly count: number;
  /** Dataset seed; micrograph i uses a seed derived from (seed, i), recorded in the manifest. */
  readonly seed: number;
  /** Preset the parameters came from, recorded in the manifest. */
  readonly preset?: PresetName | null;
  /** Coordinate formats to write besides the per-micrograph RELION STAR files. */
  readonly formats?: readonly CoordinateFormat[];
  /** Replace existing outputs (default false: any existing output is an error before anything is written). */
  readonly overwrite?: boolean;
  /** Micrograph name prefix (default "sim"): names are `<prefix>_0000`, `<prefix>_0001`, … */
  readonly namePrefix?: string;
  /** Called after each micrograph is written. */
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

/** The seed of micrograph `index` of a dataset with seed `seed` (what simulateMicrograph gets). */
export function micrographSeed(seed: number, index: number): number {
  const rng = new SimRandom(seed, `micrograph:${index}`);
  return rng.nextUint32() + (rng.nextUint32() & 0x1fffff) * 4294967296;
}

/** Name of micrograph `index` (4 digits, zero-padded). */
export function micrographName(prefix: string, index: number): string {
  return `${prefix}_${String(index).padStart(4, '0')}`;
}

/**
 * Path (relative to the output folder) of one coordinate set ('truth' or 'picks') in `format`:
 * STAR in `truth/` (only STAR there, so the folder reads back cleanly); other per-micrograph
 * formats in their own folder `truth_<format>/`; whole-dataset formats as one file.
 * Without `name`, per-micrograph formats give their folder (with a trailing /).
 */
export function coordinatePath(kind: 'truth' | 'picks', format: CoordinateFormat, name?: string): string {
  switch (format) {
    case 'topaz':
    case 'cs':
      return `${kind}${FORMAT_EXTENSIONS[format]}`;
    case 'star-particles':
      return `${kind}_particles.star`;
    case 'star-autopick':
      return `${kind}_autopick/autopick.star`;
    default: {
      const dir = format === 'star' ? kind : `${kind}_${format}`;
      return name === undefined ? `${dir}/` : `${dir}/${name}${FORMAT_EXTENSIONS[format]}`;
    }
  }
}

function plannedPaths(opts: DatasetOptions, names: readonly string[], formats: readonly CoordinateFormat[]): string[] {
  const rel: string[] = ['manifest.json', 'micrographs.star'];
  for (const name of names) {
    rel.push(`micrographs/${name}.mrc`);
    for (const kind of ['truth', 'picks'] as const) {
      for (const f of formats) {
        if (f === 'star-autopick') rel.push(`${kind}_autopick/${name}_autopick.star`);
        rel.push(coordinatePath(kind, f, name));
      }
    }
  }
  return [...new Set(rel)].map((r) => join(opts.outDir, r));
}

async function writeCoordinateSets(
  opts: DatasetOptions,
  kind: 'truth' | 'picks',
  picks: readonly MicrographPicks[],
  formats: readonly CoordinateFormat[],
): Promise<void> {
  const overwrite = opts.overwrite ?? false;
  for (const f of formats) {
    const target = join(opts.outDir, coordinatePath(kind, f));
    const perMicrograph = target.endsWith('/') ? { perMicrograph: true } : {};
    const optics = f === 'star-particles' ? { optics: { pixelSizeA: opts.params.pixelSizeA, voltageKv: opts.params.voltageKv, sphericalAberrationMm: opts.params.sphericalAberrationMm, amplitudeContrast: opts.params.amplitudeContrast } } : {};
    await writeCoordinates(target, picks, f, { overwrite, ...perMicrograph, ...optics });
  }
}

/**
 * Simulates `count` micrographs and writes them with their truth, user picks and manifest.
 * Layout: micrographs/<name>.mrc, truth/<name>.star, picks/<name>.star, micrographs.star (CTF),
 * manifest.json
 * (more files for extra formats; see src/sim/README.md). Returns the manifest that was written.
 * @throws ConfigError for invalid parameters; FileExistsError if an output exists without overwrite.
 */
export async function simulateDataset(opts: DatasetOptions): Promise<SimulationManifest> {
  validateSimulationParams(opts.params);
  if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 100000) {
    throw new ConfigError([{ path: 'count', message: `expected an integer in [1, 100000], got ${opts.count}` }]);
  }
  if (!Number.isFinite(opts.seed)) throw new ConfigError([{ path: 'seed', message: `expected a number, got ${opts.seed}` }]);
  const prefix = opts.namePrefix ?? 'sim';
  const formats: CoordinateFormat[] = ['star', ...(opts.formats ?? []).filter((f) => f !== 'star')];
  const names = Array.from({ length: opts.count }, (_, i) => micrographName(prefix, i));
  if (!opts.overwrite) {
    for (const p of plannedPaths(opts, names, formats)) if (existsSync(p) && !p.endsWith('/')) throw new FileExistsError(p);
  }
  const models = resolveModels(opts.params);
  const entries: MicrographEntry[] = [];
  const truthSets: MicrographPicks[] = [];
  const pickSets: MicrographPicks[] = [];
  const { width, height } = opts.params;
  const asPicks = (name: string, particles: Particle[]): MicrographPicks => ({ micrograph: `${name}.mrc`, particles, frame: ORIGINAL_FRAME, width, height });
  for (let i = 0; i < opts.count; i++) {
    const name = names[i]!;
    const seed = micrographSeed(opts.seed, i);
    const sim = simulateMicrograph(opts.params, seed);
    await writeMrc(join(opts.outDir, 'micrographs', `${name}.mrc`), sim.image, { pixelSizeA: opts.params.pixelSizeA, overwrite: opts.overwrite ?? false, labels: ['cryopick simulate', `seed ${seed}`] });
    truthSets.push(asPicks(name, sim.truth));
    pickSets.push(asPicks(name, sim.userPicks));
    entries.push({ name, seed, sim });
    opts.onProgress?.(i + 1, opts.count, name);
  }
  await writeCoordinateSets(opts, 'truth', truthSets, formats);
  await writeCoordinateSets(opts, 'picks', pickSets, formats);
  const ctfRows = entries.map((e) => ({ micrograph: `micrographs/${e.name}.mrc`, ctf: e.sim.ctf }));
  await writeFileAtomic(join(opts.outDir, 'micrographs.star'), formatMicrographsStar(ctfRows, opts.params.pixelSizeA), { overwrite: opts.overwrite ?? false });
  const manifest = buildManifest({
    seed: opts.seed,
    preset: opts.preset ?? null,
    params: opts.params,
    models,
    formats,
    entries,
    truthPath: (name) => coordinatePath('truth', 'star', name),
    picksPath: (name) => coordinatePath('picks', 'star', name),
    extraFiles: formats.filter((f) => f !== 'star').map((f) => ({ format: f, truth: coordinatePath('truth', f), picks: coordinatePath('picks', f) })),
  });
  await writeFileAtomic(join(opts.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { overwrite: opts.overwrite ?? false });
  return manifest;
}
