// Maps a thrown error to what the user sees and the exit code: user mistakes print one
// located line (exit 1 for bad data or files, 2 for usage and parameters, 3 when a run finished
// but skipped some inputs, 130 after Ctrl+C), bugs print the whole stack and ask for a report
// (exit 70, EX_SOFTWARE).
import { InterruptedError, ParameterError, PartialFailureError, UsageError, UserError } from '../errors.js';
import { fsReason } from '../io/fs-errors.js';

export function reportError(err: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (err instanceof UsageError || err instanceof ParameterError) {
    write(`cryopick: ${err.message}\n(run with --help for usage)\n`);
    return 2;
  }
  if (err instanceof UserError) {
    write(`cryopick: ${err.message}\n`);
    return err instanceof InterruptedError ? 130 : err instanceof PartialFailureError ? 3 : 1;
  }
  const e = err as { code?: string; path?: string; message?: string };
  const reason = fsReason(e?.code);
  if (reason !== undefined) {
    // a file-system failure nobody located: still one line, with the path Node gives
    write(`cryopick: ${e.path === undefined ? e.message ?? String(err) : `${e.path}: ${reason}`}\n`);
    return 1;
  }
  write(`cryopick: internal error: please report it at the cryopick issue tracker with the command line and this text:\n${err instanceof Error ? err.stack : String(err)}\n`);
  return 70;
}
