// `cryopick train`: its options (every training parameter, from the one flag table) and help;
// what it does is ../commands/train.ts, imported when it runs.
import type { Command } from 'commander';
import { registerTrainFlags } from '../commands/_train-flags.js';
import { GENERAL_MODEL } from '../../pick/general-model.js';
import { DEFAULT_SELF_TRAIN_FRACTION } from '../../train/self-train-defaults.js';
import { lazyAction } from './_lazy-action.js';

/** The flags of `train --self-train` (they become selfTrain's options in ../commands/_self-train.ts). */
function registerSelfTrainFlags(cmd: Command): void {
  cmd
    .option('--self-train <rounds>', `self-training on unlabelled micrographs (DeepPicker): pick --micrographs with the --init model (default ${GENERAL_MODEL}: the general model), keep the confident picks as labels, fine-tune on them, pick again with the new model; ROUNDS times (a first round helped on EMPIAR-10028 and -10059, a second one only on -10059; BENCHMARKS.md). No --picks`)
    .option('--self-train-threshold <score>', 'with --self-train: picks at or above this score are candidates, or auto: from each round\'s score distribution (default auto)')
    .option('--self-train-fraction <f>', `with --self-train: the highest-scoring fraction of the candidates kept as labels (default ${DEFAULT_SELF_TRAIN_FRACTION})`)
    .option('--classifier <file>', 'with --self-train: a particle-crop classifier (cryopick train-classifier); only picks with p(--keep) >= 0.5 become labels')
    .option('--keep <class>', 'with --classifier: the class to keep (e.g. particle)');
}

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
  registerSelfTrainFlags(cmd);
  cmd.addHelpText('after', `
Notes:
  π (class prior) = A(r)·n·M / total pixels, with A(r) the true disk area of radius r (29 px for r = 3).
  Autoencoder weight: about 10/N for N <= 250 labelled particles, 0 for more (conv models only).
  Forbidden: resnet with average pooling or the autoencoder; conv models with max pooling or dropout.`);
  cmd.action(lazyAction(async () => (await import('../commands/train.js')).trainAction));
}
