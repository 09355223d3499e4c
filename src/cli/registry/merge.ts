// `cryopick merge SHARD_DIRS... --out RUN`: its arguments, options and help; what it does is
// ../commands/merge.ts, imported when it runs.
import type { Command } from 'commander';
import { PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('merge')
    .description('Combine the shard folders of `cryopick pick --shard K/N` into one pick run (same result as one process)')
    .argument('<shards...>', 'the N shard output folders')
    .requiredOption('-o, --out <dir>', 'folder of the merged pick run')
    .option('--format <list>', `comma-separated outputs: ${PICK_OUTPUT_FORMATS.join(', ')}`, 'star')
    .option('--threshold <logit>', 'keep picks with score >= this (default: as pick chose it for the shards: from all the shards\' scores for the general model, else the default of their inference mode)')
    .option('--box-size <px>', 'box size for .box/.cbox output (default: the diameter)')
    .option('--report <file>', 'also write the HTML report of the merged run')
    .option('--overwrite', 'replace an earlier run (and report) in --out')
    .action(lazyAction(async () => (await import('../commands/merge.js')).mergeAction));
}
