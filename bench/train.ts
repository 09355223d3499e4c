// Training benchmarks (held-out micrographs only): dense crops versus Topaz patches (AUPRC
// reached versus wall time), simulated data (test AP / best F1), and EMPIAR-10028 (train on the
// 4 train images, choose the epoch on valid, report on the 5 test images).
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchSection } from './run.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { readCoordinates } from '../src/io/coordinate-formats.js';
import type { MicrographPicks } from '../src/io/coords.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { pickImage } from '../src/pick/pick-image.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import { trainPicker } from '../src/train/trainer.js';
import type { TrainParamsInput } from '../src/train/params.js';
import type { TrainResult } from '../src/train/train-types.js';

const REAL = join(process.cwd(), '..', 'shared', 'realdata');
const E28 = join(REAL, 'prompt-sam-cryoppp', 'dataset', '10028');
const E28_LABELS = join(REAL, 'derived', 'empiar10028_from_promptsam_labels');

export interface QualityResult {
  readonly ap: number;
  readonly bestF1: number;
  readonly precision: number;
  readonly recall: number;
  readonly trainSeconds: number;
  readonly bestEpoch: number;
  readonly train: TrainResult;
}

/** Picks `testMics` with a trained model and scores them against `truth` at 0.25 × diameter. */
export async function pickAndEvaluate(modelPath: string, testMics: readonly string[], truth: readonly MicrographPicks[],
  diameterPx: number): Promise<{ ap: number; bestF1: number; precision: number; recall: number }> {
  const model = await loadScoreModel(modelPath);
  const preds: MicrographPicks[] = [];
  try {
    for (const path of testMics) {
      const image = await readMicrograph(path);
      const det = await pickImage(basename(path), image, model, { minDistancePx: diameterPx / 2, floor: -12, inference: 'dense' });
      preds.push({ micrograph: det.micrograph, particles: det.particles, frame: { binning: 1, yFlipped: false }, width: image.width, height: image.height });
    }
  } finally {
    await model.release?.();
  }
  const rep = evaluatePicks(preds, truth, { diameterPx, radiusPx: 0.25 * diameterPx });
  const b = rep.overall.bestF1;
  return { ap: rep.overall.ap ?? 0, bestF1: b?.f1 ?? 0, precision: b?.precision ?? 0, recall: b?.recall ?? 0 };
}

async function pngs(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().map((f) => join(dir, f));
}

/** EMPIAR-10028: train on `train`, choose the epoch on `valid`, report AP/F1 on `test`. */
export async function empiar10028(over: Partial<TrainParamsInput>, log: (s: string) => void = () => {}, signal?: AbortSignal): Promise<QualityResult> {
  const train = await pngs(join(E28, 'train', 'images'));
  const valid = await pngs(join(E28, 'valid', 'images'));
  const test = await pngs(join(E28, 'test', 'images'));
  const csv = (p: string): string => join(E28_LABELS, `${basename(p, '.png')}.csv`);
  const truth: MicrographPicks[] = [];
  for (const t of test) truth.push(...(await readCoordinates(csv(t))));
  const outDir = await mkdtemp(join(tmpdir(), 'cryopick-bench-e28-'));
  const t0 = Date.now();
  const r = await trainPicker({
    micrographs: [...train, ...valid], picks: [...train, ...valid].map(csv), testMicrographs: valid.map((v) => basename(v)),
    particleDiameter: 56, downsample: 4, expectedParticles: 100, ...over,
  }, { outDir, plots: false, onMessage: log, ...(signal ? { signal } : {}),
    onProgress: (p) => { if (p.phase === 'evaluate') log(`epoch ${p.epoch} ${((Date.now() - t0) / 1000).toFixed(0)} s`); } });
  const trainSeconds = (Date.now() - t0) / 1000;
  const q = await pickAndEvaluate(r.modelPath, test, truth, 56);
  return { ...q, trainSeconds, bestEpoch: r.bestEpoch, train: r };
}

export interface CurvePoint { readonly mode: string; readonly epoch: number; readonly seconds: number; readonly auprc: number }

/**
 * Dense crops versus Topaz patches on EMPIAR-10028 under the same wall-time budget: the valid
 * pixel AUPRC after every epoch with the seconds spent, and the test AP of the exported model.
 */
export async function denseVersusPatch(budgetSeconds: number, over: Partial<TrainParamsInput> = {},
  log: (s: string) => void = () => {}): Promise<{ curve: CurvePoint[]; final: Record<string, QualityResult> }> {
  const curve: CurvePoint[] = [];
  const final: Record<string, QualityResult> = {};
  const modes: [string, Partial<TrainParamsInput>][] = [
    ['dense', { mode: 'dense', cropSize: 192, cropsPerStep: 2, epochSize: 10 }],
    ['patch', { mode: 'patch', minibatchSize: 256, epochSize: 10 }],
  ];
  for (const [name, m] of modes) {
    const q = await empiar10028({ epochs: 1000, learningRate: 1e-3, ...m, ...over }, log, AbortSignal.timeout(budgetSeconds * 1000));
    for (const e of q.train.epochs) curve.push({ mode: name, epoch: e.epoch, seconds: e.seconds, auprc: e.auprc ?? 0 });
    final[name] = q;
  }
  return { curve, final };
}

/**
 * Simulated realistic preset (4096², 1 Å/px): 8 training micrographs with 50% of the truth as
 * picks (2 of them held out inside training to choose the epoch), 12 test micrographs scored
 * against the full truth.
 */
export async function simulatedRealistic(over: Partial<TrainParamsInput>, log: (s: string) => void = () => {}): Promise<QualityResult> {
  const dir = process.env['CRYOPICK_BENCH_SIM'] ?? join(tmpdir(), 'cryopick-bench-sim-realistic');
  if (!existsSync(join(dir, 'manifest.json'))) {
    const { PRESETS, simulateDataset } = await import('../src/sim/index.js');
    await simulateDataset({ outDir: dir, params: { ...PRESETS.realistic.params, labelFraction: 0.5 }, count: 20, seed: 11, preset: 'realistic' });
  }
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    particleDiameterPx: number; micrographs: { name: string; micrograph: string; truth: string; picks: string }[];
  };
  const mics = manifest.micrographs;
  const train = mics.slice(0, 8);
  const test = mics.slice(8, 20);
  const d = manifest.particleDiameterPx;
  const truth: MicrographPicks[] = [];
  for (const m of test) truth.push(...(await readCoordinates(join(dir, m.truth))));
  const outDir = await mkdtemp(join(tmpdir(), 'cryopick-bench-sim-'));
  const t0 = Date.now();
  const r = await trainPicker({
    micrographs: train.map((m) => join(dir, m.micrograph)), picks: train.map((m) => join(dir, m.picks)), testFraction: 0.25,
    particleDiameter: d, downsample: 8, expectedParticles: 150, ...over,
  }, { outDir, plots: false, onMessage: log, onProgress: (p) => { if (p.phase === 'evaluate') log(`epoch ${p.epoch} ${((Date.now() - t0) / 1000).toFixed(0)} s`); } });
  const trainSeconds = (Date.now() - t0) / 1000;
  const q = await pickAndEvaluate(r.modelPath, test.map((m) => join(dir, m.micrograph)), truth, d);
  return { ...q, trainSeconds, bestEpoch: r.bestEpoch, train: r };
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = [];
  if (existsSync(E28)) {
    const q = await empiar10028({});
    lines.push(`| EMPIAR-10028 (4 train, epoch by 1 valid, 5 test) | ${q.ap.toFixed(3)} | ${q.bestF1.toFixed(3)} | ${q.trainSeconds.toFixed(0)} s |`);
  }
  return {
    title: 'Training quality (held-out micrographs)',
    command: 'node dist/bench/run.js train',
    markdown: ['| data | test AP | best F1 | train wall time |', '|---|---|---|---|', ...lines].join('\n'),
  };
}
