// `cryopick create-train-config --file config.json`: writes the commented pipeline template and
// its JSON Schema (config.schema.json beside it), both generated from one zod definition.
import type { Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { pipelineJsonSchema, renderConfigTemplate } from '../../tune/config-template.js';

export function register(program: Command): void {
  program
    .command('create-train-config')
    .description('write a commented config template for `cryopick train --config` (data/ETL, tuning, training, shared, lrScheduler) and its JSON Schema')
    .requiredOption('--file <path>', 'where to write the template (JSON; keys starting with "//" are comments)')
    .option('--schema <path>', 'where to write the JSON Schema (default: <file folder>/<file stem>.schema.json)')
    .option('--overwrite', 'replace existing files', false)
    .action(async (opts: { file: string; schema?: string; overwrite: boolean }) => {
      const { schemaPath } = await writeTrainConfigTemplate(opts.file, opts);
      process.stdout.write(`wrote ${opts.file} (edit data.micrographs, data.picks and shared.expectedParticles) and ${schemaPath}\n`);
    });
}

/** Writes the template and its schema; refuses existing files unless overwrite. */
export async function writeTrainConfigTemplate(file: string, opts: { schema?: string; overwrite?: boolean } = {}): Promise<{ schemaPath: string }> {
  const stem = basename(file).replace(/\.json$/i, '');
  const schemaPath = opts.schema ?? join(dirname(file), `${stem}.schema.json`);
  const overwrite = opts.overwrite ?? false;
  await writeFileAtomic(schemaPath, `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`, { overwrite });
  await writeFileAtomic(file, renderConfigTemplate(`./${basename(schemaPath)}`), { overwrite });
  return { schemaPath };
}
