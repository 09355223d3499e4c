// The `cryopick` command-line entry point: builds the commander program from the command
// modules in ./commands and maps errors to exit codes (2 usage, 1 failure).
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './registry/index.js';
import { reportError } from './errors-to-exit.js';

export function buildProgram(): Command {
  const program = new Command('cryopick');
  program
    .description('Train deep-learning particle pickers for cryo-EM and pick particles at scale.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version "errors" are successful exits
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(err);
  }
}
