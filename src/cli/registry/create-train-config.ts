// `cryopick create-train-config --file config.json`: its options and help; what it does is
// ../commands/create-train-config.ts, imported when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('create-train-config')
    .description('write a commented config template for `cryopick train --config` (data/ETL, tuning, training, shared, lrScheduler) and its JSON Schema')
    .requiredOption('--file <path>', 'where to write the template (JSON; keys starting with "//" are comments)')
    .option('--schema <path>', 'where to write the JSON Schema (default: <file folder>/<file stem>.schema.json)')
    .option('--overwrite', 'replace existing files', false)
    .action(lazyAction(async () => (await import('../commands/create-train-config.js')).createTrainConfigAction));
}
