// `cryopick evaluate --pred P --ref R`: its options and help; what it does is
// ../commands/evaluate.ts, imported when it runs.
import type { Command } from 'commander';
import { COORDINATE_FORMATS } from '../../io/coordinate-formats.js';
import { MATCH_RENAMED, addRenamedFlags } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('Compare predicted picks with reference picks: precision, recall, F1, best F1, AP (step-wise area under the PR curve, as scikit-learn average_precision_score), mean IoU, PR curve')
    .requiredOption('--pred <paths...>', 'predicted coordinate files or folders (any format cryopick reads), or a `cryopick pick` output folder')
    .requiredOption('--ref <paths...>', 'reference coordinate files or folders')
    .option('--pred-format <format>', `format of --pred (default: from the extension): ${COORDINATE_FORMATS.join(', ')}`)
    .option('--ref-format <format>', 'format of --ref (default: from the extension)')
    .option('--pred-binning <n>', 'the predictions are in pixels of an n× downsampled micrograph', '1')
    .option('--ref-binning <n>', 'the references are in pixels of an n× downsampled micrograph', '1')
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: from the reference files)')
    .option('--match-radius-px <px>', 'match centres within this distance in original pixels (default 0.25 × diameter)')
    .option('--iou <t>', 'match by box IoU >= t instead (boxes of side = diameter; crYOLO uses 0.6)')
    .option('--match <method>', 'hungarian (most matches, optimal) or greedy (by descending score)', 'hungarian')
    .option('--threshold <score>', 'score threshold for precision/recall/F1 (default: all predictions)')
    .option('--image-height <px>', 'micrograph height in original pixels, for the y-flip check')
    .option('--json <file>', 'write the full report (overall, per micrograph, PR curve) as JSON')
    .option('--plot <file>', 'write the precision-recall curve as SVG and PNG (give either extension)')
    .option('--per-micrograph', 'also print one line per micrograph')
    .option('--common', 'only micrographs present in both sets (default: every micrograph with references; missing predictions count as misses)')
    .option('--overwrite', 'replace existing --json / --plot files')
    .action(lazyAction(async () => (await import('../commands/evaluate.js')).evaluateAction));
  addRenamedFlags(cmd, MATCH_RENAMED);
}
