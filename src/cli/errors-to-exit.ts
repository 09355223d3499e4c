// Maps a thrown error to what the user sees and the exit code: user mistakes print one
// located line (exit 1, or 2 for usage), bugs print the whole stack (exit 1).
import { UsageError, UserError } from '../errors.js';

export function reportError(err: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (err instanceof UsageError) {
    write(`cryopick: ${err.message}\n(run with --help for usage)\n`);
    return 2;
  }
  if (err instanceof UserError) {
    write(`cryopick: ${err.message}\n`);
    return 1;
  }
  const e = err as { code?: string; path?: string; message?: string };
  if (e && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'EEXIST')) {
    write(`cryopick: ${e.message ?? String(err)}\n`);
    return 1;
  }
  write(`cryopick: internal error (please report it):\n${err instanceof Error ? err.stack : String(err)}\n`);
  return 1;
}
