// Random search: trial k draws every parameter from a generator seeded by (seed, k), so a
// resumed search proposes exactly what an uninterrupted one would. Duplicates are re-drawn.
import { Random } from '../random.js';
import { paramKey, sampleSpace } from './space.js';
import type { ParamSet, SearchSpace } from './space.js';
import type { Strategy, TrialRecord } from './trial.js';

/** Draws a configuration for trial `index` not already in `seen` (20 attempts, then accepts one). */
export function drawUnique(space: SearchSpace, seed: number, index: number, seen: ReadonlySet<string>): ParamSet {
  let params = sampleSpace(space, Random.fromSeeds(seed, index, 0));
  for (let attempt = 1; attempt <= 20 && seen.has(paramKey(params)); attempt++) params = sampleSpace(space, Random.fromSeeds(seed, index, attempt));
  return params;
}

export function randomSearch(space: SearchSpace, maxTrials: number, seed: number): Strategy {
  return {
    name: 'random',
    next(history: readonly TrialRecord[]) {
      if (history.length >= maxTrials) return undefined;
      const seen = new Set(history.map((t) => paramKey(t.params)));
      return { index: history.length, params: drawUnique(space, seed, history.length, seen) };
    },
    describe: () => `random search: ${maxTrials} trials, seed ${seed}`,
  };
}
