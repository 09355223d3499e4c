// `cryopick preprocess INPUT... --out DIR`: its arguments, options and help; what it does is
// ../commands/preprocess.ts, imported when it runs.
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { addRenamedFlags, type RenamedFlag } from '../commands/_renamed.js';
import { lazyAction } from './_lazy-action.js';

/** One name per setting across commands: preprocess says what train says (old spellings for one release). */
export const PREPROCESS_RENAMED: readonly RenamedFlag[] = [
  { old: 'scale', now: 'downsample' }, { old: 'sample', now: 'pixel-sampling' }, { old: 'niters', now: 'norm-iters' },
];

export function register(program: Command): void {
  const cmd = program
    .command('preprocess')
    .description('Downsample, filter and normalise micrographs (Topaz-style GMM by default) into MRC files')
    .argument('<inputs...>', 'micrograph files (.mrc, .tif, .png, ...) or folders of them')
    .requiredOption('-o, --out <dir>', 'output folder (one .mrc per input, plus preprocess-params.json)')
    .option('--params <file>', 'preprocessing parameters as JSON (e.g. a previous preprocess-params.json); flags override')
    .option('-s, --downsample <factor>', 'downsample by this factor (Fourier crop; real factors allowed; as train --downsample)')
    .option('--pixel-size <A>', 'downsample to this pixel size in Å/px (micrographs already coarser are kept)')
    .option('--bin', 'block-average binning (integer factor) instead of Fourier cropping')
    .option('--lowpass <shape>', 'lowpass shape: gaussian or butterworth (default butterworth)')
    .option('--lowpass-resolution <A>', 'lowpass cut-off as a resolution in Å')
    .option('--lowpass-nyquist <fraction>', 'lowpass cut-off as a fraction of Nyquist (cryoSPARC "degree of lowpass filtering")')
    .option('--highpass <shape>', 'highpass shape to flatten uneven ice: gaussian or butterworth')
    .option('--highpass-resolution <A>', 'highpass cut-off in Å (e.g. 500)')
    .option('--highpass-nyquist <fraction>', 'highpass cut-off as a fraction of Nyquist')
    .option('--order <n>', 'Butterworth order (default 4)')
    .option('--normalize <method>', 'gmm (Topaz, default), standardize or none')
    .option('--pixel-sampling <n>', 'GMM pixel sampling factor: fit on 1/n of the pixels (default 10; as train --pixel-sampling)')
    .option('--norm-iters <n>', 'GMM maximum EM iterations per restart (default 100; as train --norm-iters)')
    .option('--tolerance <t>', 'GMM convergence tolerance on the log posterior (default 1e-3)')
    .option('--alpha <a>', 'GMM Beta prior alpha on the background weight (default 900)')
    .option('--beta <b>', 'GMM Beta prior beta (default 1)')
    .option('--init-weights <list>', 'GMM restarts: comma-separated initial background weights (default Topaz\'s 12)')
    .option('--seed <n>', 'GMM pixel-sampling seed (default 0)')
    .option('--topaz-seeding', 'seed GMM restarts only from bright pixels, exactly as Topaz (default: bright and dark)')
    .option('--invert', 'invert contrast after normalising (dark particles become bright)')
    .option('--float16', 'write float16 MRC (mode 12), half the size')
    .option('-t, --threads <n>', `worker threads (default all cores: ${availableParallelism()})`)
    .option('--cache-dir <dir>', 'reuse results for inputs already preprocessed with the same parameters')
    .option('--cache-key <how>', 'how the cache recognises inputs: content (hash bytes, default) or stat (path, size, time)')
    .option('--overwrite', 'replace existing output files')
    .option('--permissive', 'read MRC files that depart from the standard (recoverable header problems, NaN/±Inf pixels) with a warning each; NaN/±Inf pixels are replaced by the mean of the others (default: refuse such files)')
    .option('--shard <K/N>', 'preprocess only shard K of N (by a hash of the micrograph name, as pick --shard); all shards may write into the same --out')
    .option('-q, --quiet', 'no progress bar or summary')
    .action(lazyAction(async () => (await import('../commands/preprocess.js')).preprocessAction));
  addRenamedFlags(cmd, PREPROCESS_RENAMED);
}
