// Self-training on the user's own unlabelled micrographs (DeepPicker's second strategy): pick them
// with a model (the general one by default), keep the confident picks as positive labels, fine-tune
// on them, pick again with the new model, repeat. Each round is a folder (picks/, labels, train/);
// a state file records the finished rounds, so an interrupted run resumes where it stopped.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeCoordinates } from '../io/coordinate-formats.js';
import type { MicrographPicks } from '../io/coords.js';
import type { Image2D } from '../image/image.js';
import { ConfigError, UsageError, UserError } from '../errors.js';
import { loadScoreModel } from '../pick/score-model.js';
import { atParticleScale } from '../pick/general-model.js';
import { pickMicrographs, type PickRunOptions } from '../pick/pick-run.js';
import { readRunPicks } from '../pick/detections.js';
import { GENERAL_THRESHOLD_OFFSET, runThreshold } from '../pick/auto-threshold.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE } from '../pick/threshold.js';
import { sha256File } from '../pick/run-records.js';
import { trainPicker } from './trainer.js';
import { SELF_TRAIN_EPOCHS } from './self-train-defaults.js';
import { RUN_RECORD } from './run-folder.js';
import type { TrainParamsInput } from './params.js';
import type { TrainProgress } from './train-types.js';

export { DEFAULT_SELF_TRAIN_FRACTION, SELF_TRAIN_EPOCHS } from './self-train-defaults.js';
export const SELF_TRAIN_STATE = 'self-train.json';

export interface SelfTrainOptions {
  /** Rounds of pick → select → train (≥ 1). */
  readonly rounds: number;
  /** The model that picks the first round and initialises its training (e.g. the general model). */
  readonly startModel: string;
  readonly micrographs: readonly string[];
  /** Particle diameter in original pixels (sets a scale-free start model to the data's scale). */
  readonly diameterPx: number;
  /** Training parameters of every round (micrographs, picks, init, diameter and downsampling are set here). */
  readonly params: Readonly<Partial<TrainParamsInput>>;
  /** Score cut of the picks (a logit), or auto: from each round's score distribution (the modes' crossing). */
  readonly threshold: number | 'auto';
  /** Highest-scoring fraction of the picks above the threshold kept as labels (0 < f ≤ 1). */
  readonly keepFraction: number;
  readonly outDir: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  /** Picking threads (training uses params.threads). */
  readonly threads?: number;
  /** Post-filter of each round's detections (a particle-crop classifier keeping one class), and its id for resume checks. */
  readonly filter?: PickRunOptions['filter'];
  readonly filterId?: string;
  readonly readImage?: (path: string) => Promise<Image2D>;
  readonly signal?: AbortSignal;
  readonly onMessage?: (line: string) => void;
  readonly onProgress?: (p: TrainProgress) => void;
}

export interface SelfTrainRound {
  readonly round: number;
  /** Model that picked this round's labels. */
  readonly pickedWith: string;
  readonly threshold: number;
  readonly aboveThreshold: number;
  /** Score of the weakest pick kept as a label, and how many were kept. */
  readonly labelCut: number;
  readonly labels: number;
  readonly expectedParticles: number;
  readonly model: string;
  readonly bestEpoch: number;
  readonly seconds: number;
}

export interface SelfTrainResult {
  /** The last round's model, copied to outDir/model.onnx (undefined when interrupted before any round ended). */
  readonly modelPath: string | undefined;
  readonly rounds: readonly SelfTrainRound[];
  readonly interrupted: boolean;
}

interface SelfTrainState {
  readonly kind: 'cryopick-self-train';
  readonly version: 1;
  /** Everything that decides the labels and the training; a resume must match it. */
  readonly settings: Record<string, unknown>;
  readonly rounds: SelfTrainRound[];
}

const roundDir = (outDir: string, k: number): string => join(outDir, `round-${k}`);

function settingsOf(o: SelfTrainOptions, startSha256: string): Record<string, unknown> {
  const { threads: _t, ...params } = o.params as Record<string, unknown>;
  return {
    startModelSha256: startSha256, diameterPx: o.diameterPx, threshold: o.threshold, keepFraction: o.keepFraction,
    filter: o.filterId ?? null, micrographs: createHash('sha256').update(o.micrographs.join('\n')).digest('hex').slice(0, 16), params,
  };
}

async function openState(o: SelfTrainOptions, settings: Record<string, unknown>): Promise<SelfTrainState> {
  const path = join(o.outDir, SELF_TRAIN_STATE);
  const fresh: SelfTrainState = { kind: 'cryopick-self-train', version: 1, settings, rounds: [] };
  if (!existsSync(path)) return fresh;
  if (o.overwrite) {
    await rm(path, { force: true });
    for (let k = 1; existsSync(roundDir(o.outDir, k)); k++) await rm(roundDir(o.outDir, k), { recursive: true, force: true });
    await rm(join(o.outDir, 'model.onnx'), { force: true });
    return fresh;
  }
  if (!o.resume) throw new UserError('EEXIST', `${o.outDir} already holds a self-training run (${SELF_TRAIN_STATE}): continue it with --resume or replace it with --overwrite`);
  const old = JSON.parse(await readFile(path, 'utf8')) as SelfTrainState;
  const problems = Object.keys({ ...old.settings, ...settings })
    .filter((k) => JSON.stringify(old.settings[k]) !== JSON.stringify(settings[k]))
    .map((k) => ({ path: k, message: `was ${JSON.stringify(old.settings[k])}, now ${JSON.stringify(settings[k])}` }));
  if (problems.length > 0) throw new ConfigError(problems, `cannot resume ${o.outDir}: settings differ from the earlier self-training run`);
  return old;
}

/** The confident picks: those at or above `threshold`, then the highest-scoring `fraction` of them over all micrographs. */
export function confidentPicks(picks: readonly MicrographPicks<'original'>[], threshold: number, fraction: number): { labels: MicrographPicks<'original'>[]; above: number; cut: number } {
  const scores = picks.flatMap((m) => m.particles.map((p) => p.score ?? Number.NEGATIVE_INFINITY)).filter((s) => s >= threshold).sort((a, b) => b - a);
  const keep = Math.max(scores.length > 0 ? 1 : 0, Math.round(fraction * scores.length));
  const cut = keep > 0 ? (scores[keep - 1] as number) : Number.POSITIVE_INFINITY;
  const labels = picks.map((m) => ({ ...m, particles: m.particles.filter((p) => (p.score ?? Number.NEGATIVE_INFINITY) >= cut) }));
  return { labels, above: scores.length, cut };
}

/**
 * Runs (or resumes) the rounds. Aborting `signal` stops after the micrographs in flight or the
 * current training step; the run resumes with `resume`.
 * @throws UsageError for bad options; UserError when a round finds nothing to learn from.
 */
export async function selfTrain(o: SelfTrainOptions): Promise<SelfTrainResult> {
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new UsageError(`--self-train: expected a number of rounds >= 1, got ${o.rounds}`);
  if (!(o.keepFraction > 0 && o.keepFraction <= 1)) throw new UsageError(`--self-train-fraction: expected a fraction in (0, 1], got ${o.keepFraction}`);
  if (o.micrographs.length === 0) throw new UsageError('--self-train needs the micrographs to learn from (--micrographs)');
  const say = (s: string): void => o.onMessage?.(s);
  const settings = settingsOf(o, await sha256File(o.startModel));
  const state = await openState(o, settings);
  await mkdir(o.outDir, { recursive: true });
  const saveState = (): Promise<unknown> => writeFileAtomic(join(o.outDir, SELF_TRAIN_STATE), `${JSON.stringify(state, null, 2)}\n`, { overwrite: true });
  await saveState();
  const d = o.diameterPx;
  let current = state.rounds.at(-1)?.model ?? o.startModel;
  for (let k = state.rounds.length + 1; k <= o.rounds; k++) {
    const dir = roundDir(o.outDir, k);
    const t0 = Date.now();
    say(`self-training round ${k}/${o.rounds}: picking ${o.micrographs.length} micrograph(s) with ${current}`);
    const model = atParticleScale(await loadScoreModel(current, o.threads === undefined ? {} : { threads: o.threads }), d);
    let downsample: number;
    try {
      if (model.family === 'yolo') throw new UsageError('--self-train fine-tunes a topaz-family model (the general model or one trained with --family topaz); the start model is a yolo box detector');
      const ds = model.preprocess.downsample;
      const own = ds.kind === 'factor' ? ds.factor : ds.kind === 'none' ? 1 : undefined;
      const chosen = o.params.downsample ?? own;
      if (chosen === undefined) throw new UsageError('the start model downsamples to a pixel size: give --downsample for its fine-tuning');
      downsample = chosen;
      const picked = await pickMicrographs(o.micrographs, model, {
        outDir: join(dir, 'picks'), minDistancePx: 0.5 * d, floor: DEFAULT_FLOOR, borderPx: 0.5 * d, inference: DEFAULT_INFERENCE, diameterPx: d,
        concurrency: 1, modelId: current, modelSha256: await sha256File(current), resume: true,
        ...(o.filter ? { filter: o.filter } : {}), ...(o.readImage ? { readImage: o.readImage } : {}), ...(o.signal ? { signal: o.signal } : {}),
      });
      if (picked.interrupted) return { modelPath: undefined, rounds: state.rounds, interrupted: true };
    } finally {
      await model.release?.();
    }
    const picks = await readRunPicks(join(dir, 'picks'), o.micrographs);
    let threshold: number;
    if (o.threshold === 'auto') {
      try {
        threshold = (await runThreshold(join(dir, 'picks'), o.micrographs, GENERAL_THRESHOLD_OFFSET)).threshold;
      } catch (err) {
        if (err instanceof UsageError) throw new UserError('ENOPICKS', `self-training round ${k}: ${err.message.replace(/; give --threshold$/, '')}; give --self-train-threshold`);
        throw err;
      }
    } else threshold = o.threshold;
    const chosen = confidentPicks(picks, threshold, o.keepFraction);
    const labels = chosen.labels.reduce((a, m) => a + m.particles.length, 0);
    if (labels === 0) throw new UserError('ENOPICKS', `self-training round ${k}: no pick scored at or above the threshold ${threshold.toFixed(2)}; nothing to learn from (lower --self-train-threshold)`);
    const expectedParticles = o.params.expectedParticles ?? Math.max(1, Math.round(chosen.above / o.micrographs.length));
    say(`round ${k}: ${chosen.above} picks at score >= ${threshold.toFixed(2)}; the ${labels} at >= ${chosen.cut.toFixed(2)} are the labels; expected particles per micrograph ${expectedParticles}`);
    const labelsPath = join(dir, 'labels.txt');
    await writeCoordinates(labelsPath, chosen.labels.filter((m) => m.particles.length > 0), 'topaz', { overwrite: true });
    const trainDir = join(dir, 'train');
    const resumeTrain = existsSync(join(trainDir, RUN_RECORD));
    const result = await trainPicker({
      ...o.params, epochs: o.params.epochs ?? SELF_TRAIN_EPOCHS, micrographs: [...o.micrographs], picks: [labelsPath], init: current, particleDiameter: d, downsample, expectedParticles,
    }, {
      outDir: trainDir, plots: false, ...(resumeTrain ? { resume: true } : { overwrite: true }),
      ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.readImage ? { readImage: o.readImage } : {}),
      onMessage: (m) => say(`round ${k}: ${m}`),
    });
    if (result.interrupted) return { modelPath: undefined, rounds: state.rounds, interrupted: true };
    state.rounds.push({
      round: k, pickedWith: current, threshold, aboveThreshold: chosen.above, labelCut: chosen.cut, labels, expectedParticles,
      model: result.modelPath, bestEpoch: result.bestEpoch, seconds: Math.round((Date.now() - t0) / 1000),
    });
    await saveState();
    current = result.modelPath;
  }
  const modelPath = join(o.outDir, 'model.onnx');
  if (current !== modelPath) await writeFileAtomic(modelPath, await readFile(current), { overwrite: true });
  return { modelPath, rounds: state.rounds, interrupted: false };
}
