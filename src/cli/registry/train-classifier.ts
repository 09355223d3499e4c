// `cryopick train-classifier --config config.json`: its options and help; what it does is
// ../commands/train-classifier.ts, imported when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('train-classifier')
    .description('train, tune and test a multi-class classifier of signals (CSV) or particle crops from one config (write it with create-classifier-config)')
    .requiredOption('--config <file>', 'classifier config (JSON)')
    .addHelpText('after', `
Outputs under shared_params.output_dir: dataset/<version>/ (the prepared data, reused while inputs and ETL
parameters are unchanged), tuner_models/ (search state: overwrite false resumes), experiments/ (TensorBoard
events: tensorboard --logdir <output_dir>/experiments) and best_model/<model_type>_<time>/ (classifier.onnx,
confusion matrices as TSV/SVG/PNG, summary.json, report.html).`)
    .action(lazyAction(async () => (await import('../commands/train-classifier.js')).trainClassifierAction));
}
