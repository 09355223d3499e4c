// `cryopick mrc-info FILE...`: its arguments, options and help; what it does is
// ../commands/mrc-info.ts, imported when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('mrc-info')
    .description('Show an MRC file\'s dimensions, mode, pixel size, statistics and every MRC2014 problem')
    .argument('<files...>', 'MRC/MRCS files (.gz and .bz2 accepted)')
    .option('--strict', 'exit 1 on any departure from MRC2014 (default: exit 1 only when the data cannot be read)')
    .option('--permissive', 'the default (departures are warnings); kept for scripts that pass it')
    .option('--json', 'print one JSON array of reports instead of text')
    .action(lazyAction(async () => (await import('../commands/mrc-info.js')).mrcInfoAction));
}
