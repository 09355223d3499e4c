// `cryopick cross-validate`: the Topaz Cross Validation job. One numeric training parameter is
// tried at initial + j·increment; folds × values trainings; best by mean held-out AUPRC (particle AP
// for the yolo family); final model.
import { UsageError } from '../../errors.js';
import { installInterrupt } from './_interrupt.js';
import { parseNumberFlag } from './_options.js';
import type { TrainParamsInput } from '../../train/params.js';
import { crossValidate } from '../../tune/crossval.js';
import { heldOutLabel, heldOutMetric } from '../../tune/held-out-score.js';
import { trainFlagsToParams } from './_train-flags.js';
import { acquireRunLock } from '../../io/run-lock.js';

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

const num = (flags: Record<string, unknown>, key: string, flag: string): number => parseNumberFlag(flags[key] ?? '', `--${flag}`) as number;

export async function crossValidateAction(flags: Record<string, unknown>): Promise<void> {
  if (flags['micrographs'] === undefined || flags['picks'] === undefined) throw new UsageError('cross-validate needs --micrographs and --picks');
  const params = (await trainFlagsToParams(flags)) as TrainParamsInput;
  const count = num(flags, flags['increments'] !== undefined ? 'increments' : 'numValues', flags['increments'] !== undefined ? 'increments' : 'num-values');
  const quiet = flags['quiet'] === true;
  const metric = heldOutMetric(params.family);
  const short = metric === 'heldOutAuprc' ? 'AUPRC' : 'particle AP';
  const stop = installInterrupt([
    'interrupt: stopping the running training; the final model is trained with the best value so far (Ctrl+C again to stop that too)',
    'interrupt: finishing the final training with the best epoch so far (Ctrl+C again to quit at once)',
  ]);
  const lock = acquireRunLock(String(flags['out']), 'cross-validate');
  try {
    const r = await crossValidate({
      params, parameter: camel(String(flags['parameter'])), folds: num(flags, 'folds', 'folds'), initial: num(flags, 'initial', 'initial'),
      increment: num(flags, 'increment', 'increment'), count, outDir: String(flags['out']), overwrite: flags['overwrite'] === true,
      signal: stop.signal(0), finalSignal: stop.signal(1),
      onMessage: (m) => { if (!quiet || m.startsWith('best') || m.startsWith('no ')) process.stderr.write(`${m}\n`); if (m.startsWith('best')) stop.advance(); },
      onRunEnd: (run, done, total) => {
        if (!quiet) process.stderr.write(`run ${done}/${total}: ${flags['parameter']} = ${String(Object.values(run.params)[0])}, fold ${(run.params['fold'] as number) + 1}: ${heldOutLabel(metric)} ${run.score?.toFixed(4) ?? run.status} (${run.seconds.toFixed(1)} s)\n`);
      },
    });
    const out = process.stdout;
    for (const s of r.summary) out.write(`${flags['parameter']} ${s.value}: ${short} ${Number.isFinite(s.mean) ? `${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}` : '-'} (${s.n} folds)${s.bestEpoch !== undefined ? `, best epoch by mean ${s.bestEpoch}` : ''}${r.best && s.value === r.best.value ? '  ← best' : ''}\n`);
    out.write(`table: ${r.files.table}\nplot: ${r.files.plot}\n`);
    if (r.final) out.write(`final model: ${r.final.modelPath}\n`);
  } finally {
    stop.dispose();
    lock.release();
  }
}

