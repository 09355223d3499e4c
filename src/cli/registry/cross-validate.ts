// `cryopick cross-validate`: its options (the search, plus every training flag) and help; what it
// does is ../commands/cross-validate.ts, imported when it runs.
import type { Command } from 'commander';
import { registerTrainFlags } from '../commands/_train-flags.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const cmd = program
    .command('cross-validate')
    .description('cross-validate one training parameter (Topaz Cross Validation): folds × values trainings on micrograph folds, best value by mean held-out AUPRC (yolo: particle AP), then the final model')
    .requiredOption('--parameter <name>', 'training parameter to optimise, e.g. learning-rate, expected-particles, epochs, units, dropout, l2, autoencoder-weight')
    .requiredOption('--initial <value>', 'first value of the parameter')
    .requiredOption('--increment <value>', 'added to the value for each further value')
    .option('--num-values <n>', 'number of values tried: initial + j·increment, j = 0 … n−1 (cryoSPARC: number of times to increment)', '3')
    .option('--increments <n>', 'alias of --num-values')
    .option('--folds <k>', 'number of micrograph folds', '5')
    .requiredOption('-o, --out <dir>', 'output folder: cv-runs.tsv, cv-summary.tsv, cv-plot.svg/png, runs/, final/model.onnx')
    .option('--overwrite', 'discard the saved state of an earlier cross-validation in --out and start afresh')
    .option('--quiet', 'only the final summary');
  registerTrainFlags(cmd);
  cmd.addHelpText('after', `
Example (the cryoSPARC seed example: learning rate 0.0001, 0.0002, 0.0003 with 2 folds):
  cryopick cross-validate --parameter learning-rate --initial 0.0001 --increment 0.0001 --num-values 3 --folds 2 \\
    --micrographs mics/ --picks picks.star --expected-particles 300 -o cv/
The test split (--test-fraction / --test-micrographs) is held out first; folds are made of the remaining
micrographs (no micrograph is in two folds). Ctrl+C once: stop the running training, keep the finished ones, and
train the final model with the best value so far (Ctrl+C again stops that gracefully). Rerun to resume.`);
  cmd.action(lazyAction(async () => (await import('../commands/cross-validate.js')).crossValidateAction));
}
