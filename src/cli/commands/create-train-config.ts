// `cryopick create-train-config --file config.json`: writes the commented pipeline template and
// its JSON Schema (config.schema.json beside it), both generated from one zod definition.
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { pipelineJsonSchema, renderConfigTemplate } from '../../tune/config-template.js';

export async function createTrainConfigAction(opts: { file: string; schema?: string; overwrite: boolean }): Promise<void> {
  const { schemaPath } = await writeTrainConfigTemplate(opts.file, opts);
  process.stdout.write(`wrote ${opts.file} (edit data.micrographs, data.picks and shared.expectedParticles) and ${schemaPath}\n`);
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
