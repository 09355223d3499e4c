// `cryopick report DIR --out report.html`: its arguments, options and help; what it does is
// ../commands/report.ts, imported when it runs.
import type { Command } from 'commander';
import { COORDINATE_FORMATS } from '../../io/coordinate-formats.js';
import { addRenamedFlags } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const cmd = program
    .command('report')
    .description('Write a single-file HTML report (plots and micrograph previews embedded) of a pick or training run')
    .argument('<dir>', 'output folder of `cryopick pick` or `cryopick train`')
    .requiredOption('-o, --out <file>', 'the HTML file to write')
    .option('--threshold <logit>', 'pick runs: score threshold of the picks shown and evaluated (default: the threshold saved by cryopick view, else the inference mode\'s default)')
    .option('--ref <paths...>', 'pick runs: reference picks to evaluate against (any coordinate format)')
    .option('--ref-format <format>', `format of --ref: ${COORDINATE_FORMATS.join(', ')}`)
    .option('--ref-binning <n>', 'the references are in pixels of an n× downsampled micrograph', '1')
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: the run\'s)')
    .option('--previews <n>', 'pick runs: number of micrographs in the gallery (all = every one, in pages)', 'all')
    .option('--overwrite', 'replace an existing report')
    .action(lazyAction(async () => (await import('../commands/report.js')).reportAction));
  addRenamedFlags(cmd, [{ old: 'diameter', now: 'diameter-px' }]);
}
