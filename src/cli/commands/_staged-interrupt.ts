// Ctrl+C for commands that search and then train: the first press stops the search (the running
// trial is abandoned), the next lets final training finish its step and export the best so far,
// and a further press exits at once (outputs are atomic, never half-written).
export interface StagedInterrupt {
  readonly search: AbortSignal;
  readonly final: AbortSignal;
  /** Tells the handler that the search is over, so the next Ctrl+C goes to final training. */
  searchDone(): void;
  dispose(): void;
}

export function installStagedInterrupt(write: (s: string) => void = (s) => void process.stderr.write(s)): StagedInterrupt {
  const search = new AbortController();
  const fin = new AbortController();
  let stage: 'search' | 'final' = 'search';
  const handler = (): void => {
    if (stage === 'search' && !search.signal.aborted) {
      write('\ninterrupt: abandoning the running trial; final training will use the best parameters so far (Ctrl+C again to stop that too)\n');
      search.abort();
      stage = 'final';
      return;
    }
    if (!fin.signal.aborted) {
      write('\ninterrupt: finishing final training with the best epoch so far (Ctrl+C again to quit at once)\n');
      fin.abort();
      return;
    }
    process.exit(130);
  };
  process.on('SIGINT', handler);
  return {
    search: search.signal,
    final: fin.signal,
    searchDone: () => { stage = 'final'; },
    dispose: () => void process.off('SIGINT', handler),
  };
}
