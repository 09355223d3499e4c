// Paths shared by tests: the repository root (tests run from it) and the shared real-data folder.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPO_ROOT = process.cwd();
export const REALDATA = resolve(REPO_ROOT, '..', 'shared', 'realdata');

/** The path of a real file under ../shared/realdata, or undefined (with a visible notice) if absent. */
export function realFile(relative: string): string | undefined {
  const p = resolve(REALDATA, relative);
  if (!existsSync(p)) return undefined;
  return p;
}

/** Skip reason for conformance tests when a real file or the whole folder is missing. */
export function missingReason(relative: string): string {
  return existsSync(REALDATA)
    ? `skipped: ${relative} is not in ../shared/realdata`
    : 'skipped: ../shared/realdata is absent (conformance tests need it beside the repository)';
}
