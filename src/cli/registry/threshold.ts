// `cryopick threshold RUN --out DIR`: its arguments, options and help; what it does is
// ../commands/threshold.ts, imported when it runs.
import type { Command } from 'commander';
import { PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { MATCH_RENAMED, addRenamedFlags } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const cmd = program
    .command('threshold')
    .description('Re-threshold a pick run without re-running the network: by score, particles per micrograph, or target precision')
    .argument('<run>', 'output folder of `cryopick pick`')
    .requiredOption('-o, --out <dir>', 'folder for the re-thresholded picks')
    .option('--threshold <logit>', 'keep picks with score >= logit (as pick --threshold)')
    .option('--count <n>', 'keep the best picks so that micrographs have n particles on average (one global threshold)')
    .option('--precision <p>', 'lowest threshold whose precision on the labelled micrographs (--ref) is >= p')
    .option('--saved', 'use the threshold saved with the run by `cryopick view` (threshold.json)')
    .option('--ref <paths...>', 'reference picks of some micrographs (for --precision)')
    .option('--ref-format <format>', 'format of --ref (default: from the extension)')
    .option('--ref-binning <n>', 'the references are in pixels of an n× downsampled micrograph', '1')
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: the pick run\'s)')
    .option('--match-radius-px <px>', 'matching radius for --precision in original pixels (default 0.25 × diameter)')
    .option('--match <method>', 'hungarian or greedy matching for --precision', 'hungarian')
    .option('--format <list>', `comma-separated outputs: ${PICK_OUTPUT_FORMATS.join(', ')}`, 'star')
    .option('--box-size <px>', 'box size for .box/.cbox output (default: the diameter)')
    .option('--overwrite', 'replace existing files in --out')
    .action(lazyAction(async () => (await import('../commands/threshold.js')).thresholdAction));
  addRenamedFlags(cmd, [...MATCH_RENAMED, { old: 'score', now: 'threshold' }]);
}
