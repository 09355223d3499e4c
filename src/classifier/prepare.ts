// Chooses the ETL of a config: CSV signals (caps_data_dir) or particle crops (particles).
import type { ClassifierConfig } from './config-schema.js';
import { prepareSignalDataset, type EtlResult } from './etl.js';

export async function prepareDataset(c: ClassifierConfig, log: (m: string) => void): Promise<EtlResult> {
  return prepareSignalDataset(c, log);
}
