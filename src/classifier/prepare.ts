// Chooses the ETL of a config: CSV signals (caps_data_dir) or particle crops (particles).
import type { ClassifierConfig } from './config-schema.js';
import { prepareCropDataset } from './crop-etl.js';
import { prepareSignalDataset, type EtlResult } from './etl.js';

export async function prepareDataset(c: ClassifierConfig, log: (m: string) => void): Promise<EtlResult> {
  return c.etl_params.particles ? prepareCropDataset(c, log) : prepareSignalDataset(c, log);
}
