// `cryopick create-classifier-config --file config.json`: writes the classifier pipeline template
// (Capfinder's sections and fields with their defaults, each explained in a "//" comment key).
import { writeFileAtomic } from '../../io/atomic-write.js';
import { renderClassifierTemplate } from '../../classifier/config-template.js';

export async function createClassifierConfigAction(opts: { file: string; overwrite: boolean }): Promise<void> {
  await writeFileAtomic(opts.file, renderClassifierTemplate(), { overwrite: opts.overwrite });
  process.stdout.write(`wrote ${opts.file} (edit etl_params.caps_data_dir and shared_params.output_dir)\n`);
}

