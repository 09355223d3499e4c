// The records a search keeps: what a strategy asks for (TrialRequest), what came back
// (TrialRecord), and the Strategy interface shared by random search, GP-BO and Hyperband.
import type { ParamSet } from './space.js';

export type Direction = 'max' | 'min';

/** One evaluation the strategy wants: parameters, and for Hyperband the epoch budget and rung. */
export interface TrialRequest {
  readonly index: number;
  readonly params: ParamSet;
  /** Epochs to train (Hyperband rungs); undefined = the objective's own default. */
  readonly epochs?: number;
  readonly bracket?: number;
  readonly rung?: number;
  /** Configuration number within its Hyperband bracket. */
  readonly config?: number;
  /** Continue from this earlier trial's model (Hyperband rung > 0 with warm start). */
  readonly warmStart?: { readonly trial: number; readonly artifact: string; readonly epochsDone: number };
}

/** A finished evaluation, as saved in the search state after every trial. */
export interface TrialRecord extends TrialRequest {
  readonly status: 'complete' | 'failed';
  /** The objective (e.g. held-out AUPRC); absent when failed. */
  readonly score?: number;
  readonly artifact?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly error?: string;
  readonly seconds: number;
  readonly finishedAt: string;
}

/** Proposes the next trial from the history; undefined when the search is complete. */
export interface Strategy {
  readonly name: 'random' | 'bayesian' | 'hyperband' | 'grid';
  next(history: readonly TrialRecord[], direction: Direction): TrialRequest | undefined;
  /** A human summary of the budget (e.g. Hyperband's bracket table). */
  describe(): string;
}

/** True when a is better than b in the given direction. */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'max' ? a > b : a < b;
}

/** The best complete trial, or undefined when none finished. */
export function bestTrial(history: readonly TrialRecord[], direction: Direction): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const t of history) {
    if (t.status !== 'complete' || t.score === undefined || !Number.isFinite(t.score)) continue;
    if (!best || isBetter(t.score, best.score as number, direction)) best = t;
  }
  return best;
}
