// Runs a search: asks the strategy for trials, evaluates them with the objective, saves the state
// after every trial (so a rerun resumes), and stops cleanly on an abort signal (Ctrl+C).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ConfigError, FormatError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Direction, Strategy, TrialRecord, TrialRequest } from './trial.js';
import { bestTrial } from './trial.js';

/** What an objective returns for one trial. `interrupted` = it stopped early on the signal. */
export interface TrialOutcome {
  readonly score: number;
  readonly artifact?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly interrupted?: boolean;
}

export type Objective = (trial: TrialRequest, ctx: { readonly signal: AbortSignal }) => Promise<TrialOutcome>;

export interface SearchOptions {
  readonly strategy: Strategy;
  readonly direction: Direction;
  /** JSON file holding the search state; rewritten atomically after every trial. */
  readonly stateFile: string;
  /** Anything that must match for a resume (search space, strategy options, data manifest hash...). */
  readonly identity: unknown;
  /** Discard an existing state and start afresh. */
  readonly overwrite?: boolean;
  /** Abort = stop the search (Ctrl+C); the best trial so far is still returned. */
  readonly signal?: AbortSignal;
  /** true (default): the running trial gets the signal and is abandoned (rerun on resume);
   *  false: the running trial is finished and recorded, then the search stops. */
  readonly abandonOnInterrupt?: boolean;
  readonly onTrialStart?: (trial: TrialRequest) => void;
  readonly onTrialEnd?: (record: TrialRecord, best: TrialRecord | undefined) => void;
}

export interface SearchResult {
  readonly trials: readonly TrialRecord[];
  readonly best: TrialRecord | undefined;
  /** Trials loaded from an earlier run of the same search. */
  readonly resumed: number;
  readonly interrupted: boolean;
  /** Set when an interrupted trial was abandoned (it will run again on resume). */
  readonly abandonedTrial?: number;
}

interface StateFile { readonly format: 'cryopick-tune-state'; readonly version: 1; readonly identity: unknown; readonly trials: TrialRecord[] }

/** Reads a search state file, or undefined if there is none. */
export function readSearchState(path: string): StateFile | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try { parsed = JSON.parse(readFileSync(path, 'utf8')); } catch (err) {
    throw new FormatError({ path }, `search state is not valid JSON (${(err as Error).message}); rerun with --overwrite to start afresh`);
  }
  const s = parsed as Partial<StateFile>;
  if (s.format !== 'cryopick-tune-state' || s.version !== 1 || !Array.isArray(s.trials)) {
    throw new FormatError({ path }, 'not a cryopick search state (format cryopick-tune-state, version 1); rerun with --overwrite to start afresh');
  }
  return s as StateFile;
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/** Runs (or resumes) a search. Throws ConfigError when a saved state belongs to a different search. */
export async function runSearch(objective: Objective, options: SearchOptions): Promise<SearchResult> {
  if (options.overwrite) rmSync(options.stateFile, { force: true });
  const saved = readSearchState(options.stateFile);
  if (saved && stableJson(saved.identity) !== stableJson(options.identity)) {
    throw new ConfigError([{ path: options.stateFile, message: 'an earlier search with different settings (space, strategy or data) saved its state here; use --overwrite to start afresh or choose another output folder' }], 'cannot resume search');
  }
  const trials: TrialRecord[] = saved ? saved.trials.slice() : [];
  const resumed = trials.length;
  const save = (): Promise<void> => writeFileAtomic(options.stateFile,
    JSON.stringify({ format: 'cryopick-tune-state', version: 1, identity: options.identity, trials } satisfies StateFile, null, 1), { overwrite: true });
  const outer = options.signal;
  const abandon = options.abandonOnInterrupt ?? true;
  const never = new AbortController().signal;
  for (;;) {
    if (outer?.aborted) return { trials, best: bestTrial(trials, options.direction), resumed, interrupted: true };
    const req = options.strategy.next(trials, options.direction);
    if (!req) break;
    options.onTrialStart?.(req);
    const t0 = performance.now();
    let outcome: TrialOutcome | undefined;
    let error: string | undefined;
    try {
      outcome = await objective(req, { signal: abandon && outer ? outer : never });
    } catch (err) {
      if (abandon && outer?.aborted) outcome = { score: Number.NaN, interrupted: true };
      else throw err;
    }
    if (abandon && outer?.aborted && (outcome.interrupted ?? true)) {
      return { trials, best: bestTrial(trials, options.direction), resumed, interrupted: true, abandonedTrial: req.index };
    }
    const ok = Number.isFinite(outcome.score);
    if (!ok) error = `objective returned ${outcome.score}`;
    const record: TrialRecord = {
      ...req,
      status: ok ? 'complete' : 'failed',
      ...(ok ? { score: outcome.score } : {}),
      ...(outcome.artifact !== undefined ? { artifact: outcome.artifact } : {}),
      ...(outcome.metrics !== undefined ? { metrics: outcome.metrics } : {}),
      ...(error !== undefined ? { error } : {}),
      seconds: (performance.now() - t0) / 1000,
      finishedAt: new Date().toISOString(),
    };
    trials.push(record);
    await save();
    options.onTrialEnd?.(record, bestTrial(trials, options.direction));
  }
  return { trials, best: bestTrial(trials, options.direction), resumed, interrupted: false };
}
