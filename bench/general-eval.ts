// Scoring held-out sets with a scale-free (general) model, as `cryopick pick` does: evaluation sets
// (real CryoPPP splits, simulated realistic test micrographs, the general model's own simulated
// validation micrographs), score maps computed once, then AP / best F1 / F1 at a threshold rule.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { readMicrograph } from '../src/io/micrograph.js';
import { readCoordinates } from '../src/io/coordinate-formats.js';
import type { MicrographPicks } from '../src/io/coords.js';
import { loadScoreModel, type ScoreModel } from '../src/pick/score-model.js';
import { atParticleScale } from '../src/pick/general-model.js';
import { detectionsOf, scoreImage, type ScoredImage } from '../src/pick/pick-image.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import { realSplit, type RealDatasetId } from '../src/general/real-sources.js';
import { thresholdFromScores } from '../src/pick/auto-threshold.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE } from '../src/pick/threshold.js';

export interface EvalSet {
  readonly name: string;
  readonly images: readonly string[];
  readonly truth: readonly MicrographPicks[];
  readonly diameterPx: number;
}

export const REALDATA = join(process.cwd(), '..', 'shared', 'realdata');

/** The simulated realistic preset's micrographs (4096², 20 of them), made once and reused. */
export const SIM_DIR = process.env['CRYOPICK_BENCH_SIM'] ?? join(tmpdir(), 'cryopick-bench-sim-realistic');

export async function ensureSim(): Promise<void> {
  if (existsSync(join(SIM_DIR, 'manifest.json'))) return;
  const { PRESETS, simulateDataset } = await import('../src/sim/index.js');
  await simulateDataset({ outDir: SIM_DIR, params: { ...PRESETS.realistic.params, labelFraction: 0.5 }, count: 20, seed: 11, preset: 'realistic', overwrite: true });
}

/** A CryoPPP split of EMPIAR-10028 or -10059 (empty when the data are absent). */
export async function realSet(id: RealDatasetId, split: 'train' | 'valid' | 'test'): Promise<EvalSet> {
  const src = realSplit(REALDATA, id, split);
  const truth: MicrographPicks[] = [];
  for (const s of src) truth.push(...(await readCoordinates(s.picks)));
  return { name: `EMPIAR-${id} ${split}`, images: src.map((s) => s.image), truth, diameterPx: src[0]?.diameterPx ?? 1 };
}

/** Simulated realistic preset (bench/train.ts's dataset): micrographs `from`..`to` with their full truth. */
export async function simRealisticSet(dir: string, from: number, to: number): Promise<EvalSet> {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { particleDiameterPx: number; micrographs: { micrograph: string; truth: string }[] };
  const mics = m.micrographs.slice(from, to);
  const truth: MicrographPicks[] = [];
  for (const x of mics) truth.push(...(await readCoordinates(join(dir, x.truth))));
  return { name: `simulated realistic ${from}–${to - 1}`, images: mics.map((x) => join(dir, x.micrograph)), truth, diameterPx: m.particleDiameterPx };
}

/** The general model's own simulated validation micrographs (canonical scale, complete truth). */
export async function simValidSet(dataDir: string, diameterPx = 18): Promise<EvalSet> {
  const sources = JSON.parse(readFileSync(join(dataDir, 'sources.json'), 'utf8')) as { name: string; micrograph: string; picks?: string }[];
  const mics = sources.filter((s) => s.name.startsWith('simvalid') && s.picks !== undefined && existsSync(s.micrograph));
  const truth: MicrographPicks[] = [];
  for (const s of mics) truth.push(...(await readCoordinates(s.picks as string)));
  return { name: 'simulated validation (general recipe)', images: mics.map((s) => s.micrograph), truth, diameterPx };
}

export interface ScoredSet { readonly set: EvalSet; readonly scored: readonly { name: string; scored: ScoredImage }[]; readonly seconds: number }

/** Score maps of every micrograph of `set` with the model set to the set's diameter (pick's default inference). */
export async function scoreSet(model: ScoreModel, set: EvalSet, diameterPx = set.diameterPx): Promise<ScoredSet> {
  const at = atParticleScale(model, diameterPx);
  const scored: { name: string; scored: ScoredImage }[] = [];
  const t0 = Date.now();
  for (const path of set.images) scored.push({ name: basename(path), scored: await scoreImage(await readMicrograph(path), at, { inference: DEFAULT_INFERENCE }) });
  return { set, scored, seconds: (Date.now() - t0) / 1000 };
}

export interface SetQuality {
  readonly ap: number;
  readonly bestF1: number;
  readonly bestThreshold: number;
  readonly f1: number;
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
}

/** Picks (NMS 0.5 d, border `borderFraction` × d) above pick's floor, evaluated at 0.25 d; `threshold` a logit or auto (the score modes). */
export function quality(s: ScoredSet, borderFraction: number, threshold: number | 'auto', autoOffset = 0): SetQuality {
  const d = s.set.diameterPx;
  const preds: MicrographPicks[] = s.scored.map(({ name, scored }) => ({
    micrograph: name, particles: detectionsOf(name, scored, { minDistancePx: 0.5 * d, floor: DEFAULT_FLOOR, borderPx: borderFraction * d, diameterPx: d }).particles,
    frame: { binning: 1, yFlipped: false }, width: scored.width, height: scored.height,
  }));
  const t = threshold === 'auto' ? thresholdFromScores(preds.flatMap((p) => p.particles.map((q) => q.score ?? -12)), autoOffset).threshold : threshold;
  const rep = evaluatePicks(preds, s.set.truth, { diameterPx: d, radiusPx: 0.25 * d, threshold: t });
  const o = rep.overall;
  return { ap: o.ap ?? 0, bestF1: o.bestF1?.f1 ?? 0, bestThreshold: o.bestF1?.threshold ?? NaN, f1: o.f1, threshold: t, precision: o.precision, recall: o.recall };
}

export async function withModel<T>(path: string, f: (m: ScoreModel) => Promise<T>): Promise<T> {
  const m = await loadScoreModel(path, { threads: 2 });
  try {
    return await f(m);
  } finally {
    await m.release?.();
  }
}
