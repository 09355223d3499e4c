// The micrographs a tuning or cross-validation run works on: folders expanded, only micrographs
// with picks or known negatives kept, and the held-out test split chosen exactly as trainPicker chooses it.
import { readPicks } from '../train/load-data.js';
import { matchEmptyMicrographs, readEmptyNames } from '../train/negatives.js';
import { listMicrographs } from '../io/micrograph-inputs.js';
import { pairByName } from '../io/micrograph-names.js';
import { splitMicrographs } from '../train/split.js';
import { micrographKey } from '../io/coords.js';
import { ConfigError } from '../errors.js';
import type { TrainParams } from '../train/params.js';
import type { TrainOptions, TrainResult } from '../train/train-types.js';
import type { TrainParamsInput } from '../train/params.js';

/** The training function (trainPicker, or a stand-in in tests). */
export type TrainFn = (params: TrainParamsInput, options: TrainOptions) => Promise<TrainResult>;

export interface LabelledFiles {
  /** Micrograph files with at least one pick, sorted. */
  readonly labelled: readonly string[];
  /** Files that are held out as the test set (never tuned or cross-validated on). */
  readonly test: readonly string[];
  /** Files available for training / folds. */
  readonly train: readonly string[];
  readonly pickCounts: Readonly<Record<string, number>>;
}

/**
 * Lists the labelled micrographs of a parameter set and splits off the test set.
 * @throws ConfigError when no micrograph has picks (names matched by matchMicrographNames).
 */
export async function labelledFiles(p: Pick<TrainParams, 'micrographs' | 'picks' | 'picksBinning' | 'testFraction' | 'testMicrographs' | 'seed'>
  & Partial<Pick<TrainParams, 'negatives' | 'emptyMicrographs'>>): Promise<LabelledFiles> {
  const files = listMicrographs(p.micrographs);
  const picks = await readPicks(p.picks, p.picksBinning);
  const { byMicrograph } = pairByName(picks, files);
  // known negatives label a micrograph too (negative picks, or marked empty)
  const negBy = pairByName(await readPicks(p.negatives ?? [], p.picksBinning), files).byMicrograph;
  const empty = matchEmptyMicrographs(readEmptyNames(p.emptyMicrographs ?? []), files, byMicrograph);
  const labelled = files.filter((f) => (byMicrograph.get(f)?.length ?? 0) > 0 || (negBy.get(f)?.length ?? 0) > 0 || empty.has(f)).sort();
  if (labelled.length === 0) {
    throw new ConfigError([{ path: 'picks', message: `no micrograph has picks (micrographs: ${files.slice(0, 3).map(micrographKey).join(', ')}…; picks for: ${[...picks.keys()].slice(0, 3).join(', ')}…)` }]);
  }
  const split = splitMicrographs(labelled, p.testFraction, p.testMicrographs, p.seed);
  const pickCounts = Object.fromEntries(labelled.map((f) => [micrographKey(f), byMicrograph.get(f)?.length ?? 0]));
  return { labelled, test: split.test, train: split.train, pickCounts };
}
