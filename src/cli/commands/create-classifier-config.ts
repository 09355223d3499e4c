// `cryopick create-classifier-config --file config.json`: writes the classifier pipeline template
// (Capfinder's sections and fields with their defaults, each explained in a "//" comment key).
import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { renderClassifierTemplate } from '../../classifier/config-template.js';

export function register(program: Command): void {
  program
    .command('create-classifier-config')
    .description('write a commented config template for `cryopick train-classifier` (etl, tune, train, shared and lr_scheduler params)')
    .requiredOption('--file <path>', 'where to write the template (JSON; keys starting with "//" are comments)')
    .option('--overwrite', 'replace an existing file', false)
    .action(async (opts: { file: string; overwrite: boolean }) => {
      await writeFileAtomic(opts.file, renderClassifierTemplate(), { overwrite: opts.overwrite });
      process.stdout.write(`wrote ${opts.file} (edit etl_params.caps_data_dir and shared_params.output_dir)\n`);
    });
}
