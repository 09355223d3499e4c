// `cryopick create-classifier-config --file config.json`: its options and help; what it does is
// ../commands/create-classifier-config.ts, imported when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('create-classifier-config')
    .description('write a commented config template for `cryopick train-classifier` (etl, tune, train, shared and lr_scheduler params)')
    .requiredOption('--file <path>', 'where to write the template (JSON; keys starting with "//" are comments)')
    .option('--overwrite', 'replace an existing file', false)
    .action(lazyAction(async () => (await import('../commands/create-classifier-config.js')).createClassifierConfigAction));
}
