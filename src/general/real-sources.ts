// The real development sets the general model may train on: EMPIAR-10028 and EMPIAR-10059 from
// CryoPPP (1024² PNG renderings with reference centres), found under a realdata folder.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RealSource } from './build-data.js';

/** The two sets with their particle diameters at the PNG scale (realdata README). */
export const REAL_DATASETS = {
  '10028': { diameterPx: 56, labels: 'empiar10028_from_promptsam_labels' },
  '10059': { diameterPx: 35.2, labels: 'empiar10059_from_promptsam_labels' },
} as const;
export type RealDatasetId = keyof typeof REAL_DATASETS;
export const REAL_DATASET_IDS = Object.keys(REAL_DATASETS) as RealDatasetId[];

/** The micrographs of one split (`train`, `valid` or `test`) of a set, with their reference picks; empty when absent. */
export function realSplit(realdata: string, id: RealDatasetId, split: 'train' | 'valid' | 'test'): RealSource[] {
  const dir = join(realdata, 'prompt-sam-cryoppp', 'dataset', id, split, 'images');
  if (!existsSync(dir)) return [];
  const d = REAL_DATASETS[id];
  return readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => ({
    dataset: `empiar${id}`, image: join(dir, f), diameterPx: d.diameterPx,
    picks: join(realdata, 'derived', d.labels, `${basename(f, '.png')}.csv`),
  }));
}
