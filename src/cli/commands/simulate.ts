// Placeholder for `cryopick simulate` until its issue lands; it says so instead of pretending to work.
import type { Command } from 'commander';
import { UnavailableError } from '../../errors.js';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('(not yet available)')
    .allowUnknownOption(true)
    .action(() => {
      throw new UnavailableError('`simulate` is not yet available in this version of cryopick');
    });
}
