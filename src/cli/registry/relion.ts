// `cryopick relion pick|train --o JobDir/ ...`: the RELION External jobs' arguments, options and
// help; what they do is ../commands/relion.ts, imported when one runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

/** The arguments RELION passes to every External job. */
function external(command: Command, description: string): Command {
  return command
    .description(description)
    .argument('[unknown...]')
    .allowUnknownOption()
    .requiredOption('--o <dir>', 'job folder (RELION passes <JobDir>/)')
    .option('--in_mics <star>', 'micrographs STAR file (micrographs_ctf.star), relative to the project folder')
    .option('--in_coords <star>', 'coordinate-file list (autopick.star, manualpick.star)')
    .option('--in_parts <star>', 'particles STAR file (not used)')
    .option('--j <n>', 'threads')
    .option('--pipeline_control <dir>', 'where RELION expects the exit files (default: --o)')
    .option('--particle_diameter <A>', 'particle diameter in Å (default: the model\'s)');
}

export function register(program: Command): void {
  const relion = program.command('relion').description('RELION External jobs: set the External job\'s executable to `cryopick relion pick` or `cryopick relion train`');
  external(relion.command('pick'), 'Pick micrographs_ctf.star with a cryopick model (job parameters --model, --particle_diameter, --threshold); "continue" picks only new micrographs')
    .option('--model <onnx>', 'cryopick model (.onnx); default: the general model shipped with cryopick (zero labels; give --particle_diameter or it is estimated)')
    .option('--threshold <logit>', 'score threshold (default: the general model sets it from the score distribution; other models: that of the inference mode)')
    .option('--inference <mode>', 'strided (default) or dense')
    .action(lazyAction(async () => (await import('../commands/relion.js')).relionPickAction));
  external(relion.command('train'), 'Train a cryopick model from micrographs_ctf.star and picks (job parameters --expected_particles, --particle_diameter, --epochs, --downsample, and any cryopick train flag with underscores, e.g. --epoch_size); writes train/model.onnx and report.html')
    .option('--expected_particles <n>', 'expected particles per micrograph (required)')
    .option('--epochs <n>', 'training epochs (default 10)')
    .option('--downsample <n>', 'downsampling factor (default 4)')
    .option('--permissive', 'read MRC files that depart from the standard (recoverable header problems, NaN/±Inf pixels) with a warning each; NaN/±Inf pixels are replaced by the mean of the others (default: refuse such files)')
    .action(lazyAction(async () => (await import('../commands/relion.js')).relionTrainAction));
}
