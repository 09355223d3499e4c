// Turns file-system failures (read-only folder, disk full, a file where a folder should be) into
// one user-facing line naming the path, instead of a stack trace.
import { UserError } from '../errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a file is in the way (a folder was expected)',
  EISDIR: 'is a folder (a file was expected)',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'name too long',
};

/** The reason text for a Node file-system error code, or undefined when it is not one. */
export function fsReason(code: string | undefined): string | undefined {
  return code === undefined ? undefined : REASONS[code];
}

/**
 * A UserError saying `${what} ${path}: ${reason}` for a file-system error; any other error is
 * returned unchanged (it is a bug and keeps its stack).
 */
export function describeFsError(err: unknown, path: string, what: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = fsReason(code);
  if (reason === undefined || err instanceof UserError) return err;
  return new UserError(code as string, `${what} ${path}: ${reason}`);
}
