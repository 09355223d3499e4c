// Training benchmarks (held-out micrographs only): dense crops versus Topaz patches (AUPRC
// reached versus wall time), simulated data (test AP / best F1), and EMPIAR-10028 (train on the
// 4 train images, choose the epoch on valid, report on the 5 test images).
import { mkdtemp, readdir } from 'node:fs/promises';
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
export async function empiar10028(over: Partial<TrainParamsInput>, log: (s: string) => void = () => {}): Promise<QualityResult> {
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
  }, { outDir, plots: false, onMessage: log, onProgress: (p) => { if (p.phase === 'evaluate') log(`epoch ${p.epoch} ${((Date.now() - t0) / 1000).toFixed(0)} s`); } });
  const trainSeconds = (Date.now() - t0) / 1000;
  const q = await pickAndEvaluate(r.modelPath, test, truth, 56);
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
