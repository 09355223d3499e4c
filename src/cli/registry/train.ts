// `cryopick train`: its options (every training parameter, from the one flag table) and help;
// what it does is ../commands/train.ts, imported when it runs.
import type { Command } from 'commander';
import { registerTrainFlags } from '../commands/_train-flags.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('Train a particle picker (PU learning, Topaz-style) from micrographs and sparse picks; writes model.onnx, results and plots')
    .option('--config <file>', 'run the config-driven pipeline (preprocess → optional tuning → final training) from a JSON config')
    .option('-o, --out <dir>', 'output folder (model.onnx, results.tsv/.jsonl, plots, checkpoints)', 'cryopick-train')
    .option('--overwrite', 'replace the training run in --out (its model, checkpoints, results and plots are deleted first)')
    .option('--resume', 'continue an interrupted training in --out from its last finished epoch (same parameters)')
    .option('--quiet', 'no progress bar')
    .option('--permissive', 'read MRC files that depart from the standard (recoverable header problems, NaN/±Inf pixels) with a warning each; NaN/±Inf pixels are replaced by the mean of the others (default: refuse such files)');
  registerTrainFlags(cmd);
  cmd.addHelpText('after', `
Notes:
  π (class prior) = A(r)·n·M / total pixels, with A(r) the true disk area of radius r (29 px for r = 3).
  Autoencoder weight: about 10/N for N <= 250 labelled particles, 0 for more (conv models only).
  Forbidden: resnet with average pooling or the autoencoder; conv models with max pooling or dropout.`);
  cmd.action(lazyAction(async () => (await import('../commands/train.js')).trainAction));
}
