// `cryopick view`: its arguments, options and help; what it does is ../commands/view.ts,
// imported when it runs.
import type { Command } from 'commander';
import { PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { addRenamedFlags } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const cmd = program
    .command('view')
    .description('See and correct picks in the browser: threshold and size sliders, add/move/delete, mark micrographs bad or empty, save')
    .argument('[micrographs...]', 'micrograph files or folders (for --picks; for runs, overrides where the run\'s micrographs are found)')
    .option('--picks <paths...>', 'coordinate files or folders of any format cryopick reads')
    .option('--picks-binning <n>', 'the --picks coordinates are in pixels of an n× downsampled micrograph', '1')
    .option('--run <dir>', 'a `cryopick pick` output folder (detections with scores)')
    .option('--train <dir>', 'a `cryopick train` output folder: the labels beside the model\'s picks (picked on first use into <dir>/view-picks)')
    .option('--ref <paths...>', 'reference picks (truth) shown as true positives, false positives and misses')
    .option('--ref-binning <n>', 'the references are in pixels of an n× downsampled micrograph', '1')
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: the run\'s, or the picks\' median size)')
    .option('-o, --out <dir>', 'where Save writes the curated picks, training labels and the session (default for runs: <run>/curated)')
    .option('--format <list>', `comma-separated formats Save writes: ${PICK_OUTPUT_FORMATS.join(', ')}`, 'star')
    .option('--box-size <px>', 'box size for .box/.cbox output (default: each pick\'s size, else the diameter)')
    .option('--host <address>', 'address to listen on; anything but loopback needs --token', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--token <secret>', 'access token required on every request (default: $CRYOPICK_VIEW_TOKEN)')
    .option('--display-size <px>', 'longest side of display images', '1024')
    .action(lazyAction(async () => (await import('../commands/view.js')).viewAction));
  addRenamedFlags(cmd, [{ old: 'diameter', now: 'diameter-px' }]);
}
