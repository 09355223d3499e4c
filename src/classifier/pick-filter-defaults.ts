// Defaults of `pick --classifier` that `cryopick pick --help` shows; kept apart from pick-filter.ts,
// which loads the classifier, so that declaring the command stays cheap.

/**
 * The defaults of `pick --classifier`: the best validation AP of the grid in BENCHMARKS.md (classifier-crops;
 * ties go to the gentler setting): re-rank with w = 2 and drop nothing, so `cryopick threshold` can still
 * bring back any detection.
 */
export const PICK_FILTER_DEFAULTS = { minProb: 0, weight: 2 } as const;
