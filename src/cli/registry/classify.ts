// `cryopick classify`: its options and help; what it does is ../commands/classify.ts, imported
// when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('classify')
    .description('classify signals (CSV files with read_id and timeseries) or particle picks (micrographs + coordinate files) with a model from train-classifier')
    .requiredOption('--model <file>', 'classifier.onnx written by train-classifier')
    .option('--input <path>', 'signals: a CSV file or a folder of them (columns read_id, timeseries; cap_class optional)')
    .option('--micrographs <paths...>', 'particle crops: micrograph files or folders')
    .option('--picks <paths...>', 'particle crops: coordinate files or folders in any format (STAR, box, cbox, Topaz, .cs, CSV) or a pick run folder')
    .option('--picks-binning <n>', 'binning of the pick coordinates relative to the micrographs (default 1)')
    .option('--format <name>', 'coordinate format of --picks (default: from the file)')
    .option('--class-column <name>', 'particle crops: STAR column with each pick\'s true class (e.g. rlnSelection): the summary scores the predictions')
    .option('--threads <n>', 'inference threads (default: all cores)')
    .requiredOption('-o, --out <file>', 'output CSV: read_id (signals) or micrograph,x,y (picks, original pixels), predicted_class, p_<class>...; a summary goes to <out>.summary.json')
    .action(lazyAction(async () => (await import('../commands/classify.js')).classifyAction));
}
