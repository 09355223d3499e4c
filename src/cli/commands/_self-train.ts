// `cryopick train --self-train ROUNDS`: the flags of self-training (start model, confidence cut,
// optional particle-crop classifier; declared in ../registry/train.ts) turned into selfTrain's options, and its report.
import { UsageError } from '../../errors.js';
import { listMicrographs } from '../../io/micrograph-inputs.js';
import { micrographReader } from '../../io/micrograph.js';
import { loadScoreModel } from '../../pick/score-model.js';
import { GENERAL_MODEL, resolveModelPath } from '../../pick/general-model.js';
import { createPickFilter } from '../../classifier/pick-filter.js';
import { DEFAULT_SELF_TRAIN_FRACTION, selfTrain } from '../../train/self-train.js';
import type { TrainParamsInput } from '../../train/params.js';
import { parseNumberFlag } from './_options.js';
import { pickDiameterPx } from './_pick-diameter.js';
import { trainFlagsToParams } from './_train-flags.js';

/** Labels must be confident: only picks with p(--keep) >= 0.5 (the class a two-class classifier assigns), scores unchanged. */
const SELF_TRAIN_FILTER = { minProb: 0.5, weight: 0 } as const;

/** Runs `train --self-train` from the command's flags; prints each round and the model. */
export async function runSelfTrain(flags: Record<string, unknown>, signal: AbortSignal): Promise<{ interrupted: boolean }> {
  const rounds = parseNumberFlag(flags['selfTrain'], '--self-train', (v) => Number.isInteger(v) && v >= 1, 'a whole number of rounds >= 1') as number;
  if (flags['picks'] !== undefined) throw new UsageError('--self-train makes its labels from the model\'s confident picks: give no --picks (to train on your own picks, leave out --self-train)');
  if (!Array.isArray(flags['micrographs'])) throw new UsageError('--self-train needs --micrographs: the unlabelled micrographs to learn from');
  if ((flags['classifier'] === undefined) !== (flags['keep'] === undefined)) throw new UsageError('--classifier and --keep go together: the classifier model and the class to keep');
  const thresholdText = flags['selfTrainThreshold'] ?? 'auto';
  const threshold = thresholdText === 'auto' ? 'auto' : parseNumberFlag(thresholdText, '--self-train-threshold', () => true, 'a score or auto') as number;
  const keepFraction = parseNumberFlag(flags['selfTrainFraction'] ?? String(DEFAULT_SELF_TRAIN_FRACTION), '--self-train-fraction', (v) => v > 0 && v <= 1, 'a fraction in (0, 1]') as number;
  const init = typeof flags['init'] === 'string' ? flags['init'] : GENERAL_MODEL;
  const { init: _i, ...rest } = flags;
  const params = (await trainFlagsToParams(rest)) as Partial<TrainParamsInput>;
  const micrographs = listMicrographs(flags['micrographs'] as string[]);
  const startModel = resolveModelPath(init);
  const say = (s: string): void => void process.stderr.write(`${s}\n`);
  let diameterPx = params.particleDiameter;
  if (diameterPx === undefined) {
    const m = await loadScoreModel(startModel, params.threads ? { threads: params.threads } : {});
    try {
      diameterPx = await pickDiameterPx(m, {}, () => micrographs, (line) => void process.stdout.write(line));
    } finally {
      await m.release?.();
    }
  }
  const crops = typeof flags['classifier'] === 'string' ? await createPickFilter(flags['classifier'], { keep: String(flags['keep']), ...SELF_TRAIN_FILTER, threads: params.threads ?? 0 }) : undefined;
  try {
    const r = await selfTrain({
      rounds, startModel, micrographs, diameterPx, params, threshold, keepFraction, outDir: String(flags['out']),
      resume: flags['resume'] === true, overwrite: flags['overwrite'] === true, ...(params.threads ? { threads: params.threads } : {}),
      ...(crops ? { filter: crops.filter, filterId: `${String(flags['classifier'])} keep ${String(flags['keep'])}` } : {}),
      readImage: micrographReader(flags['permissive'] === true, (m) => say(`cryopick: warning: ${m}`)),
      signal, onMessage: say,
      onProgress: (p) => { if (p.phase === 'evaluate' && flags['quiet'] !== true) say(`epoch ${p.epoch}/${p.epochs}: evaluating`); },
    });
    const out = process.stdout;
    for (const x of r.rounds) out.write(`round ${x.round}: ${x.labels} labels (score >= ${x.labelCut.toFixed(2)}; ${x.aboveThreshold} picks >= ${x.threshold.toFixed(2)}), model ${x.model} (epoch ${x.bestEpoch}), ${x.seconds} s\n`);
    if (crops) out.write(`classifier kept ${crops.stats.kept} of ${crops.stats.seen} detection(s) with p(${String(flags['keep'])}) >= ${SELF_TRAIN_FILTER.minProb}\n`);
    if (r.modelPath) out.write(`model: ${r.modelPath} (after ${r.rounds.length} round(s) of self-training)\n`);
    if (r.interrupted) out.write('interrupted: to continue, the same command with --resume\n');
    return { interrupted: r.interrupted };
  } finally {
    await crops?.release();
  }
}
