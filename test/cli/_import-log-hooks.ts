// Module hooks for the start-up test: append the URL of every module a `cryopick` process
// resolves to the file named by CRYOPICK_IMPORT_LOG (registered with --import ./_import-log.js).
import { appendFileSync } from 'node:fs';

type Resolve = (specifier: string, context: unknown, next: (s: string, c: unknown) => Promise<{ url: string }>) => Promise<{ url: string }>;

export const resolve: Resolve = async (specifier, context, next) => {
  const result = await next(specifier, context);
  const log = process.env['CRYOPICK_IMPORT_LOG'];
  if (log !== undefined && result.url.startsWith('file:')) appendFileSync(log, `${result.url}\n`);
  return result;
};
