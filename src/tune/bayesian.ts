// Bayesian optimisation: random initial points, then a Matérn 5/2 GP over the [0, 1]^d encoding
// and an acquisition function (expected improvement, or keras-tuner's UCB/LCB with β) maximised
// by random multi-start plus coordinate refinement. Deterministic from (seed, trial index).
import { Random } from '../random.js';
import { expectedImprovement, fitGp } from './gp.js';
import type { GaussianProcess } from './gp.js';
import { drawUnique } from './random-search.js';
import { decode, encode, paramKey } from './space.js';
import type { SearchSpace } from './space.js';
import type { Direction, Strategy, TrialRecord } from './trial.js';

export interface BayesianOptions {
  readonly maxTrials: number;
  readonly seed: number;
  /** Random trials before the GP is used; default max(3·d, 3) as keras-tuner. */
  readonly initialPoints?: number;
  readonly acquisition?: 'ei' | 'ucb';
  /** UCB exploration weight (keras-tuner: 2.6). */
  readonly beta?: number;
  /** Random starts for the acquisition search. */
  readonly candidates?: number;
}

/** Score to minimise for acquisition a(x) (lower is better). */
function acquisitionLoss(gp: GaussianProcess, x: readonly number[], kind: 'ei' | 'ucb', beta: number, bestY: number): number {
  const { mean, std } = gp.predict(x);
  return kind === 'ucb' ? mean - beta * std : -expectedImprovement(mean, std, bestY);
}

function refine(start: number[], f: (x: number[]) => number, rng: Random): { x: number[]; v: number } {
  let x = start.slice(), v = f(x), step = 0.1;
  for (let it = 0; it < 40 && step > 1e-4; it++) {
    let improved = false;
    for (let d = 0; d < x.length; d++) {
      for (const sign of rng.next() < 0.5 ? [1, -1] : [-1, 1]) {
        const y = x.slice();
        y[d] = Math.min(1, Math.max(0, (y[d] as number) + sign * step));
        const w = f(y);
        if (w < v) { x = y; v = w; improved = true; break; }
      }
    }
    if (!improved) step /= 2;
  }
  return { x, v };
}

export function bayesianOptimization(space: SearchSpace, options: BayesianOptions): Strategy {
  const d = Object.keys(space).length;
  const initial = options.initialPoints ?? Math.max(3 * d, 3);
  const kind = options.acquisition ?? 'ei';
  const beta = options.beta ?? 2.6;
  const nCand = options.candidates ?? 500;
  return {
    name: 'bayesian',
    next(history: readonly TrialRecord[], direction: Direction) {
      const index = history.length;
      if (index >= options.maxTrials) return undefined;
      const seen = new Set(history.map((t) => paramKey(t.params)));
      const done = history.filter((t) => t.status === 'complete' && t.score !== undefined && Number.isFinite(t.score));
      if (done.length < initial) return { index, params: drawUnique(space, options.seed, index, seen) };
      const xs = done.map((t) => encode(space, t.params));
      const ys = done.map((t) => (direction === 'max' ? -(t.score as number) : (t.score as number)));
      const gp = fitGp(xs, ys);
      const bestY = Math.min(...ys);
      const rng = Random.fromSeeds(options.seed, index, 7919);
      const f = (x: number[]): number => acquisitionLoss(gp, x, kind, beta, bestY);
      const scored: { x: number[]; v: number }[] = [];
      for (let c = 0; c < nCand; c++) { const x = Array.from({ length: d }, () => rng.next()); scored.push({ x, v: f(x) }); }
      for (const x of xs) scored.push({ x: x.slice(), v: f(x) });
      scored.sort((a, b) => a.v - b.v);
      const refined = scored.slice(0, 5).map((s) => refine(s.x, f, rng)).sort((a, b) => a.v - b.v);
      for (const r of refined) {
        const params = decode(space, r.x);
        if (!seen.has(paramKey(params))) return { index, params };
      }
      return { index, params: drawUnique(space, options.seed, index, seen) }; // every optimum already tried
    },
    describe: () => `Bayesian optimisation (GP Matérn 5/2, ${kind === 'ei' ? 'expected improvement' : `UCB β=${beta}`}): ${options.maxTrials} trials, ${initial} random initial points, seed ${options.seed}`
      + (options.maxTrials <= initial ? ' — warning: max trials <= initial points, so the GP is never used' : ''),
  };
}
