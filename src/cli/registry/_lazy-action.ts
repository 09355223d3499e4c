// A command's action that imports what the command does only when it runs: registering every
// command (options and help) stays cheap, so `cryopick --version` and each run start quickly.

/** Wraps `load` (a dynamic import of the command's module, picking its action) as a commander action. */
export function lazyAction<A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void>>): (...args: A) => Promise<void> {
  return async (...args: A) => (await load())(...args);
}
