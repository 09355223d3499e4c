// `cryopick view`: a local web viewer to see and correct picks (pick runs, coordinate files or a
// training run's labels beside its model's picks). Prints the URL and serves until Ctrl+C.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { listMicrographs } from '../../io/micrograph-inputs.js';
import { parseOutputFormats, PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { DisplayImages } from '../../web/display-images.js';
import { startViewServer } from '../../web/server.js';
import { ViewSession } from '../../web/view-session.js';
import { coordinateSource, pickRunSource, readTrainRunInputs, trainRunSource, type CoordinateInput, type ViewSource } from '../../web/view-sources.js';
import { readViewState } from '../../web/view-state.js';
import { pickTrainingRun } from '../../web/train-run-picks.js';
import { withRunLock } from '../../io/run-lock.js';
import { parseNumberFlag } from './_options.js';
import { addRenamedFlags, applyRenamedFlags } from './_renamed.js';

interface ViewFlags {
  readonly picks?: string[];
  readonly picksBinning: string;
  readonly run?: string;
  readonly train?: string;
  readonly ref?: string[];
  readonly refBinning: string;
  readonly diameterPx?: string;
  readonly out?: string;
  readonly format: string;
  readonly boxSize?: string;
  readonly host: string;
  readonly port: string;
  readonly token?: string;
  readonly displaySize: string;
}

async function openSource(micrographs: readonly string[], flags: ViewFlags, diameterPx: number | undefined): Promise<ViewSource> {
  const positive = (v: number): boolean => v > 0;
  const files = micrographs.length > 0 ? listMicrographs(micrographs) : [];
  const refs: CoordinateInput | undefined = flags.ref && flags.ref.length > 0
    ? { paths: flags.ref, binning: parseNumberFlag(flags.refBinning, '--ref-binning', positive, 'a positive number') as number } : undefined;
  if (flags.run !== undefined) return pickRunSource(flags.run, files, refs, diameterPx);
  if (flags.train !== undefined) {
    const inputs = await readTrainRunInputs(flags.train);
    const { picksRun, files: trainFiles } = await pickTrainingRun(flags.train, inputs, {
      ...(diameterPx === undefined ? {} : { diameterPx }),
      onProgress: (p) => process.stderr.write(`view: picking the training micrographs with the model: ${p.done}/${p.total}\n`),
    });
    return trainRunSource(flags.train, picksRun, inputs.labels, files.length > 0 ? files : trainFiles);
  }
  const picks = { paths: flags.picks ?? [], binning: parseNumberFlag(flags.picksBinning, '--picks-binning', positive, 'a positive number') as number };
  return coordinateSource(files, picks, refs, diameterPx);
}

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
    .action(async (micrographs: string[], flags: ViewFlags) => {
      applyRenamedFlags(flags as unknown as Record<string, unknown>, [{ old: 'diameter', now: 'diameter-px' }]);
      const sources = [flags.picks, flags.run, flags.train].filter((v) => v !== undefined).length;
      if (sources !== 1) throw new UsageError('give exactly one of --picks, --run, --train');
      const { formats, unknown } = parseOutputFormats(flags.format);
      if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format: unknown '${unknown.join(',')}' (choose from ${PICK_OUTPUT_FORMATS.join(', ')})`);
      const positive = (v: number): boolean => v > 0;
      const port = parseNumberFlag(flags.port, '--port', (v) => Number.isInteger(v) && v >= 0 && v < 65536, 'a port number 0-65535') as number;
      const displaySize = parseNumberFlag(flags.displaySize, '--display-size', (v) => Number.isInteger(v) && v >= 64, 'a whole number >= 64') as number;
      const diameterPx = parseNumberFlag(flags.diameterPx, '--diameter-px', positive, 'a positive number');
      const boxSizePx = parseNumberFlag(flags.boxSize, '--box-size', positive, 'a positive number');
      const token = flags.token ?? process.env['CRYOPICK_VIEW_TOKEN'];
      const source = await openSource(micrographs, flags, diameterPx);
      const session = new ViewSession(source.init);
      const outDir = flags.out ?? source.defaultOutDir;
      const restored = outDir === undefined ? undefined : await readViewState(outDir);
      if (restored) session.restore(restored);
      const viewer = await startViewServer({
        session, images: new DisplayImages({ displaySize }),
        save: {
          formats, ...(outDir === undefined ? {} : { outDir }), ...(source.pickRun === undefined ? {} : { pickRun: source.pickRun }),
          ...(boxSizePx === undefined ? {} : { boxSizePx }),
          withRunLock: (dir, write) => withRunLock(dir, 'view', () => write()),
        },
      }, { host: flags.host, port, ...(token === undefined ? {} : { token }), onError: (err) => process.stderr.write(`cryopick view: internal error: ${err instanceof Error ? err.stack : String(err)}\n`) });
      for (const m of source.messages) process.stderr.write(`cryopick: warning: ${m}\n`);
      if (restored) process.stdout.write(`restored the saved session from ${outDir}\n`);
      process.stdout.write(`${session.micrographs.length} micrograph(s); ${outDir === undefined ? 'give --out to save' : `Save writes to ${outDir}`}\n`);
      process.stdout.write(`cryopick view: open ${viewer.url}  (Ctrl+C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.removeListener('SIGINT', stop); process.removeListener('SIGTERM', stop); resolve(); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      if (session.dirty) process.stderr.write('cryopick view: stopped with unsaved changes\n');
      await viewer.close();
    });
  addRenamedFlags(cmd, [{ old: 'diameter', now: 'diameter-px' }]);
}
