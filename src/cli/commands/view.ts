// `cryopick view`: a local web viewer to see and correct picks (pick runs, coordinate files or a
// training run's labels beside its model's picks). Prints the URL and serves until Ctrl+C.
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
import { applyRenamedFlags } from './_renamed.js';

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

export async function viewAction(micrographs: string[], flags: ViewFlags): Promise<void> {
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
}

