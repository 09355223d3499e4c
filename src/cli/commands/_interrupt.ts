// The one Ctrl+C handler of the commands: each press moves to the next stage, aborting its signal
// and saying what happens now; a press after the last stage exits at once (130). Outputs are
// written atomically, so quitting never leaves a half-written file.
export interface Interrupt {
  /** The signal of stage `i` (0-based), aborted by the press that reaches it. */
  signal(i: number): AbortSignal;
  /** Moves on to the next stage without a press (e.g. the search ended by itself). */
  advance(): void;
  dispose(): void;
}

/**
 * Installs the SIGINT handler. `stages` are the messages printed when each stage is aborted
 * (an empty string prints nothing).
 */
export function installInterrupt(stages: readonly string[], write: (s: string) => void = (s) => void process.stderr.write(s)): Interrupt {
  const controllers = stages.map(() => new AbortController());
  let stage = 0;
  const handler = (): void => {
    const c = controllers[stage];
    if (c === undefined || c.signal.aborted) process.exit(130);
    const message = stages[stage] as string;
    if (message !== '') write(`\n${message}\n`);
    c.abort();
    if (stage < stages.length - 1) stage++;
  };
  process.on('SIGINT', handler);
  return {
    signal: (i) => {
      const c = controllers[i];
      if (c === undefined) throw new RangeError(`no interrupt stage ${i}`);
      return c.signal;
    },
    advance: () => { if (stage < stages.length - 1 && !controllers[stage]?.signal.aborted) stage++; },
    dispose: () => void process.off('SIGINT', handler),
  };
}

/** The two stages of a search followed by final training (tune, train --config). */
export const SEARCH_THEN_TRAIN = [
  'interrupt: abandoning the running trial; final training will use the best parameters so far (Ctrl+C again to stop that too)',
  'interrupt: finishing final training with the best epoch so far (Ctrl+C again to quit at once)',
] as const;
