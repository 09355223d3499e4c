// `cryopick convert INPUT... --to FMT --out PATH`: its arguments, options and help; what it does
// is ../commands/convert.ts, imported when it runs.
import type { Command } from 'commander';
import { COORDINATE_FORMATS } from '../../io/coordinate-formats.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  program
    .command('convert')
    .description('Convert particle coordinates between formats (RELION STAR, EMAN box, crYOLO cbox, Topaz, cryoSPARC .cs, CryoPPP CSV)')
    .argument('<inputs...>', 'coordinate files or folders of per-micrograph files')
    .option('--from <format>', `input format (default: from the extension): ${COORDINATE_FORMATS.join(', ')}`)
    .requiredOption('--to <format>', `output format: ${COORDINATE_FORMATS.join(', ')}`)
    .requiredOption('-o, --out <path>', 'output file, or folder for per-micrograph files (end with / or use --per-micrograph)')
    .option('--scale <s>', 'multiply coordinates and diameters by s (e.g. 8 from ×8-binned to original pixels)')
    .option('--flip-y', 'mirror y (y\' = H - 1 - y); needs --image-height or --micrographs')
    .option('--image-height <h>', 'height in pixels of the images the input coordinates refer to')
    .option('--micrographs <dir>', 'micrographs the input coordinates refer to: names are matched and sizes read')
    .option('--threshold <t>', 'keep particles with score >= t')
    .option('--box-size <b>', 'box size in pixels (box/cbox output; 2-column box input)')
    .option('--pixel-size <A>', 'pixel size in Å (star-particles output)')
    .option('--voltage <kV>', 'voltage in kV (star-particles output, default 300)')
    .option('--per-micrograph', 'write one file per micrograph into --out')
    .option('--use-micrograph-names', 'name matched micrographs by their file in --micrographs (for autopick.star, .cs, particles output)')
    .option('--drop-outside', 'drop picks that lie outside their micrograph in --micrographs (they are counted and warned about either way)')
    .option('--require-match', 'fail when a coordinate micrograph name matches no file in --micrographs')
    .option('--permissive', 'skip malformed rows and empty files with a warning instead of failing')
    .option('--overwrite', 'replace existing output files')
    .action(lazyAction(async () => (await import('../commands/convert.js')).convertAction));
}
