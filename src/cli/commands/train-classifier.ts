// `cryopick train-classifier --config config.json`: ETL → tuning → final training → held-out test.
// Ctrl+C once ends tuning (the best parameters so far are trained); during final training it ends
// training, and the best epoch is still restored, tested and saved; a further Ctrl+C quits.
import type { Command } from 'commander';
import { runClassifierPipeline } from '../../classifier/pipeline.js';
import { installInterrupt, SEARCH_THEN_TRAIN } from './_interrupt.js';

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
    .action(async (opts: { config: string }) => {
      const stop = installInterrupt(SEARCH_THEN_TRAIN);
      try {
        const r = await runClassifierPipeline(opts.config, {
          tuneSignal: stop.signal(0), finalSignal: stop.signal(1),
          onStage: (s) => { if (s === 'final') stop.advance(); },
          log: (m) => process.stderr.write(`${m}\n`),
        });
        process.stdout.write(`model: ${r.modelPath}\ntest accuracy: ${r.testAccuracy.toFixed(4)}\nreport: ${r.folder}/report.html\n`);
      } finally {
        stop.dispose();
      }
    });
}
