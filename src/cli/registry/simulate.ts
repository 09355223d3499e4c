// `cryopick simulate --out DIR [--preset quick|realistic] [...]`: its options and help; what it
// does is ../commands/simulate.ts, imported when it runs.
import type { Command } from 'commander';
import { COORDINATE_FORMATS } from '../../io/coordinate-formats.js';
import { BUILTIN_MODELS } from '../../sim/molecule.js';
import { PRESET_NAMES } from '../../sim/params.js';
import { addRenamedFlags, type RenamedFlag } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

/** Sizes say their unit (Å); old spellings for one release. */
export const SIMULATE_RENAMED: readonly RenamedFlag[] = [{ old: 'pixel-size', now: 'pixel-size-a' }, { old: 'particle-diameter', now: 'particle-diameter-a' }];

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('Simulate cryo-EM micrographs with exact ground truth and sparse user picks (MRC + STAR + manifest.json)')
    .requiredOption('-o, --out <dir>', 'output folder: micrographs/, truth/, picks/, micrographs.star, manifest.json')
    .option('--preset <name>', `parameter preset: ${PRESET_NAMES.join(' (six 1024² at 4 Å/px, seconds) or ')} (twenty 4096² at 1 Å/px)`, 'quick')
    .option('--count <n>', 'number of micrographs (default: the preset\'s)')
    .option('--seed <n>', 'random seed; the same seed gives identical files', '1')
    .option('--size <WxH>', 'micrograph size in pixels (N or WxH)')
    .option('--pixel-size-a <A>', 'pixel size in Å')
    .option('--particle-diameter-a <A>', 'diameter of the largest model in Å (others keep their relative size)')
    .option('--models <list>', `comma list of models, each name[:weight]: ${Object.keys(BUILTIN_MODELS).join(', ')}`)
    .option('--pdb <file>', 'also (or, without --models, only) simulate the ATOM/HETATM records of this PDB file')
    .option('--particles-per-micrograph <n>', 'mean number of particles placed per micrograph (before exclusions)')
    .option('--snr <x>', 'signal-to-noise ratio: particle signal variance inside particle disks / noise variance')
    .option('--defocus-min <um>', 'smallest defocus in µm (underfocus positive)')
    .option('--defocus-max <um>', 'largest defocus in µm')
    .option('--astigmatism <A>', 'largest defocus difference U−V in Å')
    .option('--b-factor-min <A2>', 'smallest envelope B-factor in Å²')
    .option('--b-factor-max <A2>', 'largest envelope B-factor in Å²')
    .option('--voltage <kV>', 'accelerating voltage in kV')
    .option('--cs <mm>', 'spherical aberration in mm')
    .option('--amplitude-contrast <w>', 'amplitude contrast fraction')
    .option('--dose <e/A2>', 'electron dose in e/Å² (mean counts per pixel = dose × pixel size²)')
    .option('--structural-noise <f>', 'share of the noise variance that is CTF-filtered structural noise')
    .option('--ice-gradient <f>', 'peak-to-peak relative intensity variation of the ice background')
    .option('--ice-crystals <n>', 'mean number of ice crystals per micrograph')
    .option('--carbon <p>', 'probability that a micrograph shows a carbon edge')
    .option('--junk <n>', 'mean number of small junk objects per micrograph')
    .option('--aggregates <f>', 'fraction of placements that start an aggregate of 2–4 particles')
    .option('--label-fraction <f>', 'fraction of the truth written as user picks (e.g. 0.3–0.5)')
    .option('--format <list>', `extra coordinate formats besides STAR: ${COORDINATE_FORMATS.join(', ')}`)
    .option('--prefix <name>', 'micrograph name prefix', 'sim')
    .option('--overwrite', 'replace existing output files')
    .option('--quiet', 'print only the summary')
    .action(lazyAction(async () => (await import('../commands/simulate.js')).simulateAction));
  addRenamedFlags(cmd, SIMULATE_RENAMED);
}
