// `cryopick pick MICROGRAPHS... --model M --out DIR`: its arguments, options and help (shared with
// `cryopick slurm pick`); what it does is ../commands/pick.ts, imported when it runs.
import { Option, type Command } from 'commander';
import { PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { PICK_FILTER_DEFAULTS } from '../../classifier/pick-filter-defaults.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE, DEFAULT_THRESHOLDS, SMOOTHED_THRESHOLDS, YOLO_DEFAULT_THRESHOLD } from '../../pick/threshold.js';
import { GENERAL_FIXED_THRESHOLD, GENERAL_MODEL } from '../../pick/general-model.js';
import { DEFAULT_SMOOTHING, SMOOTHING_OPTION } from '../../pick/smooth.js';
import { addRenamedFlags, type RenamedFlag } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

/** Old spellings of pick's sizes (one release). */
export const PICK_RENAMED: readonly RenamedFlag[] = [
  { old: 'diameter', now: 'diameter-px' }, { old: 'min-distance', now: 'min-distance-px' }, { old: 'border', now: 'border-px' },
];

/** The arguments and options of `cryopick pick`, shared with `cryopick slurm pick`. */
export function addPickOptions(command: Command): Command {
  command
    .argument('[micrographs...]', 'micrograph files or folders (.mrc, .tif, .png, ...)')
    .option('--model <file>', `trained model (.onnx written by cryopick train), or ${GENERAL_MODEL}: the general model shipped with cryopick (zero labels; give the particle diameter or it is estimated)`, GENERAL_MODEL)
    .requiredOption('-o, --out <dir>', 'output folder (detections/, pick-run.json and the formatted picks)')
    .option('--format <list>', `comma-separated outputs: ${PICK_OUTPUT_FORMATS.join(', ')}`, 'star')
    .option('--threshold <score>', `keep picks with score >= this log-likelihood ratio, or auto: from the score distribution of the micrographs picked (the default of the general model; with --watch it uses ${GENERAL_FIXED_THRESHOLD}); other models' default ${DEFAULT_THRESHOLDS.dense} dense, ${DEFAULT_THRESHOLDS.strided} strided; with --smooth ${SMOOTHING_OPTION}, ${SMOOTHED_THRESHOLDS.dense} / ${SMOOTHED_THRESHOLDS.strided}); yolo models: confidence in [0, 1] (default ${YOLO_DEFAULT_THRESHOLD})`)
    .option('--floor <logit>', 'also store every detection above this score, for `cryopick threshold`', String(DEFAULT_FLOOR))
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: recorded in the model; the general model estimates it from the micrographs); synonym --particle-diameter-px')
    .option('--diameter-a <A>', 'particle diameter in Å instead (converted with --pixel-size-a or the micrographs\' MRC header); synonym --particle-diameter-a')
    .option('--pixel-size-a <A>', 'pixel size of the micrographs in Å (default: from their MRC header), for --diameter-a')
    .option('--min-distance-px <px>', 'minimum distance between picked centres in original pixels (default 0.5 × diameter)')
    .option('--border-px <px>', 'drop picks whose centre is closer than this to the micrograph edge, in original pixels (default: half the particle diameter, so every box fits inside the micrograph)')
    .option('--inference <mode>', 'strided (network stride + sub-pixel peaks, several times faster) or dense (one score per pixel)', DEFAULT_INFERENCE)
    .option('--tta <mode>', 'test-time augmentation: none, flips (average the scores of 4 flipped copies) or dihedral (8 flips and rotations); costs that many passes', 'none')
    .option('--smooth <fraction>', `before finding peaks, average each score over a Gaussian of σ = this × the particle diameter (0 = off; ${SMOOTHING_OPTION} was the best σ where it helped)`, String(DEFAULT_SMOOTHING))
    .option('--box-size <px>', 'box size for .box/.cbox output (default: the diameter; yolo models: each box\'s estimated size)')
    .option('--min-size <px>', 'yolo models: drop boxes whose estimated size (mean of width and height, original pixels) is below this')
    .option('--max-size <px>', 'yolo models: drop boxes whose estimated size is above this')
    .option('--workers <n>', 'micrographs in flight at once (bounds memory)', '2')
    .option('--resume', 'continue an interrupted run in --out, skipping finished micrographs')
    .option('--overwrite', 'replace an earlier run in --out')
    .option('--skip-bad', 'go past micrographs that cannot be read or picked: they are listed in failed-micrographs.tsv and the summary, and the exit code is 3')
    .option('--permissive', 'read MRC files that depart from the standard (recoverable header problems, NaN/±Inf pixels) with a warning each; NaN/±Inf pixels are replaced by the mean of the others (default: refuse such files)')
    .option('--shard <K/N>', 'pick only shard K of N (micrographs chosen by a hash of their name, stable when micrographs are added) into --out; combine the N shard folders with cryopick merge')
    .option('--watch <dir>', 'on-the-fly: pick micrographs as they appear in this folder (once their size is stable), until Ctrl+C or --idle-timeout')
    .option('--idle-timeout <s>', 'with --watch: stop after this many seconds without a new micrograph')
    .option('--poll <s>', 'with --watch: seconds between folder scans; a file counts once unchanged for one interval', '2')
    .option('--device <name>', 'execution provider: cpu, webgpu (bundled; needs a Vulkan GPU driver) or cuda (needs the CUDA provider libraries)', 'cpu')
    .option('--threads <n>', 'inference threads (default: all cores)')
    .option('--mask <kind>', 'drop picks on regions no curator would keep: carbon = carbon film, thick ice and large contamination, found from each micrograph\'s local statistics (texture and darkness at the particle\'s scale); for models trained on picks, which may pick there (none = keep all)', 'none')
    .option('--classifier <file>', 'a particle-crop classifier (cryopick train-classifier with etl_params.particles): re-ranks the detections by its probability of --keep and drops the unlikely ones')
    .option('--keep <class>', 'with --classifier: the class to keep (e.g. particle); detections of other classes (junk, carbon, aggregates) fall in rank or are dropped')
    .option('--keep-min-prob <p>', `with --classifier: drop detections whose probability of --keep is below p (0 drops none; default ${PICK_FILTER_DEFAULTS.minProb})`)
    .option('--classifier-weight <w>', `with --classifier: each detection's score gains w × ln(p / (1 − p)), p its probability of --keep (0 keeps the picker's scores; default ${PICK_FILTER_DEFAULTS.weight})`);
  addRenamedFlags(command, PICK_RENAMED);
  command.addOption(new Option('--particle-diameter-px <px>').hideHelp()).addOption(new Option('--particle-diameter-a <A>').hideHelp());
  return command;
}

export function register(program: Command): void {
  addPickOptions(program
    .command('pick')
    .description('Pick particles in micrographs with a trained model (resumable; all formats, always with scores)'))
    .action(lazyAction(async () => (await import('../commands/pick.js')).pickAction));
}
