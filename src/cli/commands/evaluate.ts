// Placeholder for `cryopick evaluate` until its issue lands; it says so instead of pretending to work.
import type { Command } from 'commander';
import { UnavailableError } from '../../errors.js';

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('(not yet available)')
    .allowUnknownOption(true)
    .action(() => {
      throw new UnavailableError('`evaluate` is not yet available in this version of cryopick');
    });
}
