// `cryopick demo`: its options and help; what it does is ../commands/demo.ts, imported when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('simulate a small dataset, train a picker from sparse picks, pick held-out micrographs, evaluate and write an HTML report')
    .option('-o, --out <dir>', 'output folder', 'demo-output')
    .option('--seed <n>', 'random seed of the simulation and training', '1')
    .option('--epochs <n>', 'training epochs (default: the demo default)')
    .option('--threads <n>', 'threads for training and inference (default: all cores)')
    .option('--no-overwrite', 'refuse to replace an existing output folder')
    .action(lazyAction(async () => (await import('../commands/demo.js')).demoAction));
}
