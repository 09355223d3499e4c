// Shared by the picking-speed benches (yolo-speed, general-speed): throughput of the pick run after
// warm-up (wall and CPU time, load average), and where one micrograph's CPU goes, each stage timed
// the way pick runs it now beside the way it ran before this session's changes, in the same run.
import os from 'node:os';
import { basename } from 'node:path';
import { readMicrograph } from '../src/io/micrograph.js';
import { applyDownsamplePlan, planDownsample } from '../src/image/downsample.js';
import { normalizeImage, type GmmNormalizeParams } from '../src/image/normalize.js';
import { fitGmm } from '../src/image/gmm.js';
import { sampleWithoutReplacement } from '../src/image/_random.js';
import { Random } from '../src/random.js';
import { pickMicrographs, type PickRunOptions } from '../src/pick/pick-run.js';
import { pickPrepared, type PickImageOptions } from '../src/pick/pick-image.js';
import { readPrepared } from '../src/pick/prepared.js';
import type { ScoreModel } from '../src/pick/score-model.js';
import { median } from './_timed-command.js';

export interface Throughput {
  /** Micrographs per second of wall time after the warm-up (the median of the repeats). */
  readonly perSecond: number;
  /** The lowest and highest micrographs/s of the repeats. */
  readonly range: readonly [number, number];
  /** This process's user + system CPU seconds (all threads) per micrograph after the warm-up. */
  readonly cpuPerMicrograph: number;
  /** 1-minute load average at the start and at the end. */
  readonly load: readonly [number, number];
}

/** Repeats of each throughput measurement (CRYOPICK_BENCH_SPEED_REPEATS, default 3): medians are reported. */
export const REPEATS = Number(process.env['CRYOPICK_BENCH_SPEED_REPEATS'] ?? 3);

/**
 * Picks `files` (the first `warmup` untimed) into `outDir` with pickMicrographs and `options`,
 * REPEATS times: the median micrographs/s and CPU per micrograph, the range of micrographs/s.
 */
export async function pickThroughput(files: readonly string[], model: ScoreModel, outDir: string, options: Omit<PickRunOptions, 'outDir' | 'onProgress'>, warmup = 2): Promise<Throughput> {
  const load0 = os.loadavg()[0] ?? 0;
  const runs: { perSecond: number; cpu: number }[] = [];
  for (let k = 0; k < REPEATS; k++) runs.push(await timedRun(files, model, outDir, options, warmup));
  const rates = runs.map((r) => r.perSecond);
  return { perSecond: median(rates), range: [Math.min(...rates), Math.max(...rates)], cpuPerMicrograph: median(runs.map((r) => r.cpu)), load: [load0, os.loadavg()[0] ?? 0] };
}

async function timedRun(files: readonly string[], model: ScoreModel, outDir: string, options: Omit<PickRunOptions, 'outDir' | 'onProgress'>, warmup: number): Promise<{ perSecond: number; cpu: number }> {
  const stamps: number[] = [];
  let cpuAtWarm = process.cpuUsage();
  await pickMicrographs(files, model, {
    ...options, outDir, overwrite: true,
    onProgress: () => { stamps.push(performance.now()); if (stamps.length === warmup) cpuAtWarm = process.cpuUsage(); },
  });
  const cpu = process.cpuUsage(cpuAtWarm);
  const timed = stamps.length - warmup;
  const seconds = ((stamps.at(-1) as number) - (stamps[warmup - 1] as number)) / 1000;
  return { perSecond: timed / seconds, cpu: (cpu.user + cpu.system) / 1e6 / timed };
}

export interface StageCpu {
  /** Read + downsampling as pick runs them now: streamed, band by band (readPrepared, no normalisation). */
  readonly readDownsample: number;
  /** The whole micrograph read, then downsampled (what pick did before, and still does with --classifier). */
  readonly readDownsampleBefore: number;
  /** GMM normalisation now (groups 0.02 σ wide). */
  readonly normalize: number;
  /** GMM normalisation before (groups 0.002 σ wide). */
  readonly normalizeBefore: number;
  /** Network and peak extraction / box NMS. */
  readonly network: number;
}

async function cpuOf<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const c = process.cpuUsage();
  const r = await f();
  const d = process.cpuUsage(c);
  return [r, (d.user + d.system) / 1e6];
}

/** The GMM normalisation with the fit's groups `groupWidth` σ wide (as fitGmmToImage samples). */
function normalizeGrouped(data: Float32Array, p: GmmNormalizeParams, groupWidth: number): Float32Array {
  const count = Math.max(1, Math.min(data.length, Math.round(data.length / p.sample)));
  const values = count === data.length ? data : sampleWithoutReplacement(data, count, new Random(p.seed).next);
  const fit = fitGmm(values, { iterations: p.iterations, tolerance: p.tolerance, initialWeights: p.initialWeights, priorAlpha: p.priorAlpha, priorBeta: p.priorBeta, scale: data.length / count, seedFrom: p.seedFrom, groupWidth });
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i]! - fit.mean) / fit.std;
  return out;
}

/** Median CPU seconds of each stage over `files` (one at a time, on the main thread; the model's own threads for the network). */
export async function stageCpu(files: readonly string[], model: ScoreModel, options: PickImageOptions): Promise<StageCpu> {
  const pp = model.preprocess;
  if (pp.normalize.kind !== 'gmm') throw new RangeError('the stage split assumes GMM normalisation');
  const gmm = pp.normalize;
  const t: Record<keyof StageCpu, number[]> = { readDownsample: [], readDownsampleBefore: [], normalize: [], normalizeBefore: [], network: [] };
  for (const f of files) {
    const [small, rd] = await cpuOf(() => readPrepared(f, { ...pp, normalize: { kind: 'none' } }, false, () => {}));
    const [, before] = await cpuOf(async () => {
      const img = await readMicrograph(f);
      return applyDownsamplePlan(img, planDownsample(img.width, img.height, img.pixelSizeA, pp.downsample));
    });
    const [norm, nm] = await cpuOf(() => normalizeImage(small.pre, gmm, pp.invert));
    const [, nb] = await cpuOf(() => normalizeGrouped(small.pre.data, gmm, 0.002));
    const [, net] = await cpuOf(() => pickPrepared(basename(f), { ...small, pre: norm.image }, model, options));
    t.readDownsample.push(rd); t.readDownsampleBefore.push(before); t.normalize.push(nm); t.normalizeBefore.push(nb); t.network.push(net);
  }
  return { readDownsample: median(t.readDownsample), readDownsampleBefore: median(t.readDownsampleBefore), normalize: median(t.normalize), normalizeBefore: median(t.normalizeBefore), network: median(t.network) };
}

/** The stage split as one sentence of BENCHMARKS.md. */
export function stageSentence(s: StageCpu): string {
  const f = (v: number): string => `${v.toFixed(2)} s`;
  return `read + downsampling ${f(s.readDownsample)} (streamed band by band; the whole micrograph read, then downsampled: ${f(s.readDownsampleBefore)}), ` +
    `GMM normalisation ${f(s.normalize)} (groups 0.02 σ wide; 0.002 σ as before: ${f(s.normalizeBefore)}), network + peaks/NMS ${f(s.network)}; ` +
    `total ${f(s.readDownsample + s.normalize + s.network)} (whole read and 0.002 σ groups: ${f(s.readDownsampleBefore + s.normalizeBefore + s.network)})`;
}
