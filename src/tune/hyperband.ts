// Hyperband as in Li et al. (JMLR 18, 2018): brackets s = s_max…0 of successive halving with
// n = ⌈(s_max+1)·η^s/(s+1)⌉ configurations at r = R·η^−s epochs, keeping the best ⌊n_i/η⌋ per rung.
//
// How this differs from keras-tuner's Hyperband (what Capfinder runs, pipeline.md §2.2):
// - keras-tuner sizes rounds as ⌈(⌈1+log_f R⌉/(b+1))·f^(b−r)⌉ and epochs as ⌈R/f^(b−r)⌉, and promotes
//   greedily/asynchronously as soon as enough trials of the previous round finished; here every rung
//   is completed before the best ⌊n_i/η⌋ are promoted (synchronous, exactly Li et al.'s table).
// - keras-tuner always warm-starts promoted trials from the parent's checkpoint; here warm start is
//   optional (default on: a promoted configuration trains r_i − r_{i−1} more epochs from its model).
// - both ignore max_trials in the pipeline (the budget is set by R, η and brackets; the API's optional
//   `maxTrials` caps evaluations); `brackets` limits the sweep to the first (most exploratory) brackets,
//   where keras-tuner instead repeats whole sweeps (hyperband_iterations).
// The best configuration is the best score seen at any resource, as in Li et al.
import { drawUnique } from './random-search.js';
import { paramKey } from './space.js';
import type { ParamSet, SearchSpace } from './space.js';
import type { Direction, Strategy, TrialRecord, TrialRequest } from './trial.js';
import { isBetter } from './trial.js';

export interface HyperbandOptions {
  /** R: the most epochs any configuration gets (minimum resource = 1 epoch). */
  readonly maxEpochs: number;
  /** η >= 2 (integer): the reduction factor. */
  readonly factor: number;
  /** How many brackets to run, from s = s_max down; default all s_max + 1. */
  readonly brackets?: number;
  readonly seed: number;
  readonly warmStart?: boolean;
  readonly maxTrials?: number;
}

export interface Rung { readonly configs: number; readonly epochs: number; readonly resource: number }
export interface Bracket { readonly s: number; readonly rungs: readonly Rung[] }

/** s_max = ⌊log_η R⌋, computed exactly for integer powers. */
export function hyperbandSMax(maxEpochs: number, factor: number): number {
  let s = 0;
  while (Math.pow(factor, s + 1) <= maxEpochs * (1 + 1e-12)) s++;
  return s;
}

/** Li et al.'s bracket table: per bracket, per rung, the configurations n_i and resource r_i. */
export function hyperbandSchedule(maxEpochs: number, factor: number): Bracket[] {
  if (!(Number.isInteger(factor) && factor >= 2)) throw new RangeError(`hyperband factor must be an integer >= 2, got ${factor}`);
  if (!(maxEpochs >= 1)) throw new RangeError(`hyperband maxEpochs must be >= 1, got ${maxEpochs}`);
  const sMax = hyperbandSMax(maxEpochs, factor);
  const out: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) * Math.pow(factor, s)) / (s + 1) - 1e-9);
    const r = maxEpochs * Math.pow(factor, -s);
    const rungs: Rung[] = [];
    for (let i = 0; i <= s; i++) {
      const resource = r * Math.pow(factor, i);
      rungs.push({ configs: Math.floor(n / Math.pow(factor, i) + 1e-9), resource, epochs: Math.max(1, Math.round(resource)) });
    }
    out.push({ s, rungs });
  }
  return out;
}

/** The total number of evaluations and epochs (without warm start) of a schedule. */
export function hyperbandBudget(brackets: readonly Bracket[]): { trials: number; epochs: number } {
  let trials = 0, epochs = 0;
  for (const b of brackets) for (const r of b.rungs) { trials += r.configs; epochs += r.configs * r.epochs; }
  return { trials, epochs };
}

export function hyperband(space: SearchSpace, options: HyperbandOptions): Strategy {
  const all = hyperbandSchedule(options.maxEpochs, options.factor);
  const brackets = all.slice(0, Math.max(1, Math.min(all.length, options.brackets ?? all.length)));
  const warm = options.warmStart ?? true;
  const configsOf = (s: number, n: number, seen: Set<string>): ParamSet[] => {
    const out: ParamSet[] = [];
    for (let j = 0; j < n; j++) {
      const p = drawUnique(space, options.seed, 100000 * (s + 1) + j, seen);
      seen.add(paramKey(p));
      out.push(p);
    }
    return out;
  };
  return {
    name: 'hyperband',
    next(history: readonly TrialRecord[], direction: Direction): TrialRequest | undefined {
      const index = history.length;
      if (options.maxTrials !== undefined && index >= options.maxTrials) return undefined;
      const seen = new Set<string>();
      for (const b of brackets) {
        const configs = configsOf(b.s, b.rungs[0]?.configs ?? 0, seen);
        const inBracket = history.filter((t) => t.bracket === b.s);
        let active = configs.map((_, j) => j);
        for (let i = 0; i < b.rungs.length; i++) {
          const rung = b.rungs[i] as Rung;
          const done = new Map(inBracket.filter((t) => t.rung === i).map((t) => [t.config as number, t]));
          const todo = active.find((j) => !done.has(j));
          if (todo !== undefined) {
            const prev = i > 0 ? inBracket.find((t) => t.rung === i - 1 && t.config === todo) : undefined;
            const prevEpochs = i > 0 ? (b.rungs[i - 1] as Rung).epochs : 0;
            const req: TrialRequest = { index, params: configs[todo] as ParamSet, bracket: b.s, rung: i, config: todo, epochs: rung.epochs };
            if (warm && prev?.artifact && prev.status === 'complete') {
              return { ...req, epochs: Math.max(1, rung.epochs - prevEpochs), warmStart: { trial: prev.index, artifact: prev.artifact, epochsDone: prevEpochs } };
            }
            return req;
          }
          // rung complete: keep the best ⌊n_i/η⌋ (failed trials rank last)
          const keep = Math.floor(active.length / options.factor);
          const score = (j: number): number => {
            const t = done.get(j);
            return t?.status === 'complete' && t.score !== undefined && Number.isFinite(t.score) ? t.score : Number.NaN;
          };
          active = active.slice().sort((a, c) => {
            const sa = score(a), sc = score(c);
            if (Number.isNaN(sa)) return Number.isNaN(sc) ? a - c : 1;
            if (Number.isNaN(sc)) return -1;
            return isBetter(sa, sc, direction) ? -1 : isBetter(sc, sa, direction) ? 1 : a - c;
          }).slice(0, keep);
          if (active.length === 0) break;
        }
      }
      return undefined;
    },
    describe: () => {
      const rows = brackets.map((b) => `  s=${b.s}: ${b.rungs.map((r) => `${r.configs}×${r.epochs}`).join(', ')}`);
      const budget = hyperbandBudget(brackets);
      return `Hyperband (Li et al.) R=${options.maxEpochs} epochs, η=${options.factor}, ${brackets.length} bracket(s): ${budget.trials} evaluations, ${budget.epochs} epochs without warm start\n${rows.join('\n')}`;
    },
  };
}
