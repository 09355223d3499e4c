// The general model's recipe: build the canonical-scale training set (simulated variety plus the
// real development sets), train one Topaz-style picker on it (resumable), and export it with its
// provenance (data, recipe, commit, date, wall time) through the model-file schema.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readModelFile } from '../models/model-file.js';
import { PickerModel } from '../models/picker-model.js';
import type { PickerModelConfig } from '../models/topaz/spec.js';
import { CANONICAL_DIAMETER_GRID_PX } from '../pick/canonical-scale.js';
import { trainPicker } from '../train/trainer.js';
import type { TrainProgress } from '../train/train-types.js';
import { buildGeneralData, type BuiltMicrograph } from './build-data.js';
import { REAL_DATASET_IDS, realSplit, type RealDatasetId } from './real-sources.js';
import { GENERAL_TRAIN_MOLECULES } from './sim-recipe.js';

export interface GeneralRecipe {
  /** Simulated training micrographs, and simulated micrographs for choosing the epoch. */
  readonly sim: number;
  readonly simValid: number;
  readonly seed: number;
  /** Real sets to train on (`train` split; their `valid` split chooses the epoch). */
  readonly datasets: readonly RealDatasetId[];
  /** Each real training micrograph at these multiples of the canonical diameter. */
  readonly realScales: readonly number[];
  readonly epochs: number;
  readonly epochSize: number;
  readonly cropSize: number;
  readonly cropsPerStep: number;
  readonly threads: number;
}

/** The shipped model's recipe (about 35 minutes with one thread on a loaded 2-core machine). */
export const SHIPPED_RECIPE: GeneralRecipe = {
  sim: 120, simValid: 8, seed: 18, datasets: REAL_DATASET_IDS, realScales: [0.9, 1, 1.1],
  epochs: 24, epochSize: 40, cropSize: 192, cropsPerStep: 2, threads: 1,
};

export interface TrainGeneralOptions {
  readonly realdata: string;
  /** Work folder: data/ (the canonical-scale set) and train/ (the training run, resumable). */
  readonly workDir: string;
  /** Where the general model is written. */
  readonly out: string;
  readonly recipe: GeneralRecipe;
  readonly resume?: boolean;
  readonly onProgress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface TrainGeneralResult {
  readonly modelPath: string;
  readonly trainSeconds: number;
  readonly buildSeconds: number;
  readonly micrographs: number;
  readonly bestEpoch: number;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function describeData(built: readonly BuiltMicrograph[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of built) {
    const key = m.name.startsWith('sim') ? (m.particles === 0 ? 'simulated particle-free' : 'simulated') : m.name.split('_')[0] as string;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Builds the data, trains (or resumes) and writes the general model with its provenance. */
export async function trainGeneral(o: TrainGeneralOptions): Promise<TrainGeneralResult> {
  const r = o.recipe;
  const say = (s: string): void => o.onProgress?.(s);
  const dataDir = join(o.workDir, 'data');
  const t0 = Date.now();
  const progress = (what: string) => (done: number, total: number, name: string): void => {
    if (done === total || done % 10 === 0) say(`${what}: ${done}/${total} micrographs (${name})`);
  };
  const trainReal = r.datasets.flatMap((id) => realSplit(o.realdata, id, 'train'));
  const validReal = r.datasets.flatMap((id) => realSplit(o.realdata, id, 'valid'));
  const train = await buildGeneralData({ outDir: dataDir, sim: r.sim, seed: r.seed, real: trainReal, realScales: r.realScales, onProgress: progress('training data') });
  const valid = await buildGeneralData({ outDir: dataDir, sim: r.simValid, seed: r.seed + 1, simPrefix: 'simvalid', real: validReal, realScales: [1], onProgress: progress('validation data') });
  const buildSeconds = (Date.now() - t0) / 1000;
  const all = [...train, ...valid];
  const labelled = train.filter((m) => m.particles > 0);
  const expected = labelled.reduce((a, m) => a + m.particles, 0) / Math.max(1, train.length);
  const t1 = Date.now();
  const onProgress = (p: TrainProgress): void => {
    if (p.phase === 'train' && p.step % 10 === 0) say(`epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch}${p.loss === undefined ? '' : ` loss ${p.loss.toFixed(4)}`} (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
    if (p.phase === 'evaluate') say(`epoch ${p.epoch}/${p.epochs} evaluated (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
  };
  const params = {
    micrographs: all.map((m) => m.micrograph), picks: all.flatMap((m) => (m.picks ? [m.picks] : [])),
    testMicrographs: valid.map((m) => `${m.name}.mrc`), particleDiameter: CANONICAL_DIAMETER_GRID_PX, downsample: 1,
    expectedParticles: expected, loss: 'PN' as const, selectMetric: 'ap' as const, model: 'resnet8' as const,
    epochs: r.epochs, epochSize: r.epochSize, cropSize: r.cropSize, cropsPerStep: r.cropsPerStep, threads: r.threads, seed: r.seed,
    // particle-free fields: every pixel a known negative (as `train --empty-micrographs`), so the model learns to pick nothing there
    emptyMicrographs: all.filter((m) => m.particles === 0).map((m) => basename(m.micrograph)),
  };
  const result = await trainPicker(params, {
    outDir: join(o.workDir, 'train'), plots: false, ...(o.resume ? { resume: true } : { overwrite: true }),
    onProgress, onMessage: (m) => say(m), ...(o.signal ? { signal: o.signal } : {}),
  });
  const trainSeconds = (Date.now() - t1) / 1000;
  const file = readModelFile(new Uint8Array(await readFile(result.modelPath)), result.modelPath);
  const model = PickerModel.create(file.config as PickerModelConfig);
  model.store.load(file.weights, false);
  const best = result.epochs.find((e) => e.epoch === result.bestEpoch);
  await model.exportOnnx(o.out, {
    input: { ...(file.input as Record<string, unknown>), canonicalDiameterGridPx: CANONICAL_DIAMETER_GRID_PX },
    training: {
      ...file.training,
      general: {
        family: 'topaz (ResNet8, PN loss on complete simulated truth and CryoPPP references)',
        data: describeData(all), trainMicrographs: train.length, validationMicrographs: valid.map((m) => m.name),
        realDatasets: r.datasets.map((id) => `EMPIAR-${id} train (validation: valid; test never used)`),
        simulatedMolecules: GENERAL_TRAIN_MOLECULES, recipe: r, commit: gitCommit(), date: new Date().toISOString(),
        buildSeconds: Math.round(buildSeconds), trainSeconds: Math.round(trainSeconds),
        validationParticleAp: best?.particleAp ?? null, epochsRun: result.epochs.length, stoppedEarly: result.interrupted,
      },
    },
  }, { overwrite: true });
  return { modelPath: o.out, trainSeconds, buildSeconds, micrographs: all.length, bestEpoch: result.bestEpoch };
}
