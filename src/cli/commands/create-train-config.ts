// Placeholder for `cryopick create-train-config` until its issue lands; it says so instead of pretending to work.
import type { Command } from 'commander';
import { UnavailableError } from '../../errors.js';

export function register(program: Command): void {
  program
    .command('create-train-config')
    .description('(not yet available)')
    .allowUnknownOption(true)
    .action(() => {
      throw new UnavailableError('`create-train-config` is not yet available in this version of cryopick');
    });
}
