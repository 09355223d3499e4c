// The yolo family against today's default picker: train on `train`, choose the epoch with
// `valid`, report on `test` (EMPIAR-10028, EMPIAR-10059, the simulated realistic preset): AP,
// best F1 at r = 0.25·d, mean IoU, F1 at the default threshold, training and picking time; and
// the 4096² picking speed of each width multiplier.
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchSection } from './run.js';
import { readCoordinates } from '../src/io/coordinate-formats.js';
import type { MicrographPicks } from '../src/io/coords.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { pickImage } from '../src/pick/pick-image.js';
import { CRYOLO_THRESHOLD, DEFAULT_INFERENCE, YOLO_DEFAULT_THRESHOLD, defaultThreshold } from '../src/pick/threshold.js';
import { trainPicker } from '../src/train/trainer.js';
import type { TrainParamsInput } from '../src/train/params.js';

const REAL = join(process.cwd(), '..', 'shared', 'realdata');

export interface Split { readonly micrographs: string[]; readonly truth: MicrographPicks[] }
export interface DataSet { readonly name: string; readonly train: Split; readonly valid: Split; readonly test: Split; readonly diameter: number; readonly trainPicks: string[] }

export interface YoloQuality {
  readonly ap: number;
  readonly bestF1: number;
  /** Mean IoU of the boxes matched at the default threshold. */
  readonly meanIou: number | undefined;
  /** F1 at the default threshold (yolo 0.7, topaz −0.4); rows without validAp measured it at 0.3 for yolo. */
  readonly f1AtDefault: number;
  /** yolo: F1 at crYOLO's 0.3. */
  readonly f1AtCryolo?: number;
  readonly validBestThreshold: number;
  readonly trainSeconds: number;
  readonly trainCpuSeconds: number;
  readonly pickSecondsPerMicrograph: number;
  readonly bestEpoch: number;
  readonly load: number;
  /** Particle AP on `valid` at the chosen epoch (what chooses between settings; absent in rows measured before it was recorded). */
  readonly validAp?: number;
}

async function pngs(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().map((f) => join(dir, f));
}

/** A CryoPPP development set: micrograph PNGs per split, centres derived from the masks. */
export async function cryoppp(id: '10028' | '10059', diameter: number): Promise<DataSet | undefined> {
  const root = join(REAL, 'prompt-sam-cryoppp', 'dataset', id);
  if (!existsSync(root)) return undefined;
  const labels = join(REAL, 'derived', `empiar${id}_from_promptsam_labels`);
  const csv = (p: string): string => join(labels, `${basename(p, '.png')}.csv`);
  const split = async (name: string): Promise<Split> => {
    const micrographs = await pngs(join(root, name, 'images'));
    const truth: MicrographPicks[] = [];
    for (const m of micrographs) truth.push(...(await readCoordinates(csv(m))));
    return { micrographs, truth };
  };
  const [train, valid, test] = [await split('train'), await split('valid'), await split('test')];
  return { name: `EMPIAR-${id}`, train, valid, test, diameter, trainPicks: [...train.micrographs, ...valid.micrographs].map(csv) };
}

type PickSettings = Parameters<typeof pickImage>[3];

/** How `cryopick pick` picks by default: yolo boxes ≥ 0.001; topaz strided peaks at 0.5 × d above −12. */
export function pickDefaults(family: 'topaz' | 'yolo', d: number): PickSettings {
  return family === 'yolo' ? { minDistancePx: 1, floor: 0.001, inference: 'dense' } : { minDistancePx: 0.5 * d, floor: -12, inference: DEFAULT_INFERENCE, diameterPx: d };
}

/** Detections of `mics` and the mean seconds per micrograph (read + preprocess + network + NMS). */
async function pickAll(modelPath: string, mics: readonly string[], threads: number, settings: PickSettings): Promise<{ picks: MicrographPicks[]; seconds: number }> {
  const model = await loadScoreModel(modelPath, { threads });
  const picks: MicrographPicks[] = [];
  const t0 = Date.now();
  try {
    for (const m of mics) {
      const d = await pickImage(basename(m), await readMicrograph(m), model, settings);
      picks.push({ micrograph: d.micrograph, particles: d.particles, frame: { binning: 1, yFlipped: false }, width: d.width, height: d.height });
    }
  } finally {
    await model.release?.();
  }
  return { picks, seconds: (Date.now() - t0) / 1000 / Math.max(1, mics.length) };
}

/** Training threads of the rows (2, or CRYOPICK_BENCH_YOLO_THREADS: 1 when the machine is shared). */
function benchThreads(): number {
  const t = Number(process.env['CRYOPICK_BENCH_YOLO_THREADS'] ?? 2);
  return Number.isInteger(t) && t >= 1 ? t : 2;
}

/** Trains a family on `train` (epoch chosen on `valid`), picks as `cryopick pick` does by default and reports on `test`. */
export async function familyOnSet(set: DataSet, over: Partial<TrainParamsInput>, log: (s: string) => void = () => {}): Promise<YoloQuality> {
  const family = over.family ?? 'yolo';
  const load = os.loadavg()[0] ?? 0;
  const outDir = await mkdtemp(join(tmpdir(), `cryopick-bench-yolo-${set.name}-`));
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  const r = await trainPicker({
    family, micrographs: [...set.train.micrographs, ...set.valid.micrographs], picks: set.trainPicks,
    testMicrographs: set.valid.micrographs.map((m) => basename(m)), particleDiameter: set.diameter, threads: benchThreads(), ...over,
  }, { outDir, plots: false, onMessage: log, onProgress: (p) => { if (p.phase === 'evaluate') log(`${set.name} epoch ${p.epoch} ${((Date.now() - t0) / 1000).toFixed(0)} s`); } });
  const cpu = process.cpuUsage(c0);
  const validAp = r.epochs.find((e) => e.epoch === r.bestEpoch)?.particleAp;
  log(`${set.name} ${family} valid AP by epoch: ${JSON.stringify(r.epochs.map((e) => e.particleAp))}`);
  const trained = { trainSeconds: (Date.now() - t0) / 1000, trainCpuSeconds: (cpu.user + cpu.system) / 1e6, bestEpoch: r.bestEpoch, load, ...(validAp === undefined ? {} : { validAp }) };
  return evaluateTrained(set, family, r.modelPath, trained, log);
}

/** What a training run measured about itself, for evaluateTrained. */
export type TrainedRun = Pick<YoloQuality, 'trainSeconds' | 'trainCpuSeconds' | 'bestEpoch' | 'load' | 'validAp'>;

/** A trained model's row: picks `valid` (best-F1 threshold) and `test` as `cryopick pick` does by default. */
export async function evaluateTrained(set: DataSet, family: 'topaz' | 'yolo', modelPath: string, trained: TrainedRun, log: (s: string) => void = () => {}): Promise<YoloQuality> {
  const opts = (threshold: number) => ({ diameterPx: set.diameter, radiusPx: 0.25 * set.diameter, threshold });
  // F1 (and mean IoU) at the default threshold: 0.7 for yolo, −0.4 for topaz; for yolo also F1 at crYOLO's 0.3.
  const threshold = defaultThreshold(DEFAULT_INFERENCE, false, family);
  const valid = await pickAll(modelPath, set.valid.micrographs, 2, pickDefaults(family, set.diameter));
  const validRep = evaluatePicks(valid.picks, set.valid.truth, opts(threshold));
  const test = await pickAll(modelPath, set.test.micrographs, 2, pickDefaults(family, set.diameter));
  const rep = evaluatePicks(test.picks, set.test.truth, opts(threshold));
  const atCryolo = family === 'yolo' ? evaluatePicks(test.picks, set.test.truth, opts(CRYOLO_THRESHOLD)).overall.f1 : undefined;
  log(`${set.name} ${family}: ${JSON.stringify({ ap: rep.overall.ap, f1: rep.overall.f1, best: rep.overall.bestF1, iou: rep.overall.meanIou, atCryolo })}`);
  return {
    ap: rep.overall.ap ?? 0, bestF1: rep.overall.bestF1?.f1 ?? 0, meanIou: rep.overall.meanIou, f1AtDefault: rep.overall.f1,
    ...(atCryolo === undefined ? {} : { f1AtCryolo: atCryolo }),
    validBestThreshold: validRep.overall.bestF1?.threshold ?? Number.NaN, pickSecondsPerMicrograph: test.seconds, ...trained,
  };
}

/** The simulated realistic preset (20 micrographs of 4096²; 8 train with 50 % picks, 12 test), made once. */
export async function simulatedSet(): Promise<DataSet> {
  const dir = process.env['CRYOPICK_BENCH_SIM'] ?? join(tmpdir(), 'cryopick-bench-sim-realistic');
  if (!existsSync(join(dir, 'manifest.json'))) {
    const { PRESETS, simulateDataset } = await import('../src/sim/index.js');
    await simulateDataset({ outDir: dir, params: { ...PRESETS.realistic.params, labelFraction: 0.5 }, count: 20, seed: 11, preset: 'realistic', overwrite: true });
  }
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    particleDiameterPx: number; micrographs: { micrograph: string; truth: string; picks: string }[];
  };
  const mics = manifest.micrographs;
  const read = async (list: typeof mics, key: 'truth' | 'picks'): Promise<MicrographPicks[]> => {
    const out: MicrographPicks[] = [];
    for (const m of list) out.push(...(await readCoordinates(join(dir, m[key]))));
    return out;
  };
  // 6 train + 2 valid (their partial picks choose the epoch), 12 test against the full truth.
  const train = mics.slice(0, 6);
  const valid = mics.slice(6, 8);
  const test = mics.slice(8, 20);
  return {
    name: 'simulated realistic', diameter: manifest.particleDiameterPx,
    train: { micrographs: train.map((m) => join(dir, m.micrograph)), truth: await read(train, 'picks') },
    valid: { micrographs: valid.map((m) => join(dir, m.micrograph)), truth: await read(valid, 'picks') },
    test: { micrographs: test.map((m) => join(dir, m.micrograph)), truth: await read(test, 'truth') },
    trainPicks: mics.slice(0, 8).map((m) => join(dir, m.picks)),
  };
}

/** Downsampling that brings the particle to about 28 px (one particle per 16-px cell, 1.75 cells wide). */
export function yoloDownsample(diameterPx: number): number {
  return Math.max(1, Math.round(diameterPx / 28));
}

/** Rows measured earlier (several processes can measure different sets at once; the last run assembles the table). */
const CACHE = process.env['CRYOPICK_BENCH_YOLO_CACHE'] ?? join(tmpdir(), 'cryopick-bench-yolo-rows.jsonl');

async function cached(key: string): Promise<YoloQuality | undefined> {
  if (!existsSync(CACHE)) return undefined;
  const lines = (await readFile(CACHE, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const hit = lines.map((l) => JSON.parse(l) as { key: string; q: YoloQuality }).reverse().find((r) => r.key === key);
  return hit?.q;
}

/** The rows of one set: [label, training overrides]; the yolo variants are the experiments that chose its defaults (valid AP). */
function rowsOf(set: DataSet, variants: readonly string[]): [string, Partial<TrainParamsInput>][] {
  const expectedParticles = Math.round(set.test.truth.reduce((a, m) => a + m.particles.length, 0) / Math.max(1, set.test.micrographs.length));
  const yolo = { family: 'yolo' as const, downsample: yoloDownsample(set.diameter), cropSize: 256 };
  const rows: [string, Partial<TrainParamsInput>][] = [
    // the width is explicit in every row (the cache key): ×0.25 was the default until the width curve chose ×0.5
    ['yolo ×0.5 (upsample, rescore: the default)', { ...yolo, rescore: true, widthMultiplier: 0.5 }],
    ['yolo ×0.25 (upsample, rescore: the earlier default)', { ...yolo, rescore: true, widthMultiplier: 0.25 }],
    ['yolo ×0.25 (upsample, no rescore: the first default)', { ...yolo, rescore: false, widthMultiplier: 0.25 }],
    ['topaz (default picker: ResNet8 dense, ds 3)', { family: 'topaz', downsample: 3, expectedParticles }],
  ];
  const extra: Record<string, [string, Partial<TrainParamsInput>]> = {
    noobj05: ['yolo ×0.25 (upsample, no rescore, λnoobj 0.5)', { ...yolo, rescore: false, noObjectWeight: 0.5, widthMultiplier: 0.25 }],
    rsnoobj05: ['yolo ×0.25 (upsample, rescore, λnoobj 0.5)', { ...yolo, rescore: true, noObjectWeight: 0.5, widthMultiplier: 0.25 }],
    ep20: ['yolo ×0.25 (upsample, rescore, 20 epochs)', { ...yolo, rescore: true, epochs: 20, widthMultiplier: 0.25 }],
    coord5: ['yolo ×0.25 (upsample, rescore, λcoord 5)', { ...yolo, rescore: true, coordWeight: 5, widthMultiplier: 0.25 }],
    w1: ['yolo ×1 (upsample, rescore)', { ...yolo, rescore: true, widthMultiplier: 1 }],
    w05coord5: ['yolo ×0.5 (upsample, rescore, λcoord 5)', { ...yolo, rescore: true, coordWeight: 5, widthMultiplier: 0.5 }],
    w05ep20: ['yolo ×0.5 (upsample, rescore, 20 epochs)', { ...yolo, rescore: true, epochs: 20, widthMultiplier: 0.5 }],
    w05seed1: ['yolo ×0.5 (upsample, rescore), seed 1', { ...yolo, rescore: true, widthMultiplier: 0.5, seed: 1 }],
    w05avg: ['yolo ×0.5 (upsample, rescore, weight average 0.995)', { ...yolo, rescore: true, widthMultiplier: 0.5, weightAverage: 0.995 }],
    w05ignavg: ['yolo ×0.5 (upsample, rescore, ignore IoU 0.6, weight average 0.995)', { ...yolo, rescore: true, widthMultiplier: 0.5, weightAverage: 0.995, ignoreIou: 0.6 }],
  };
  for (const v of variants) if (extra[v]) rows.push(extra[v]);
  return rows;
}

const f3 = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(3));

export async function run(): Promise<BenchSection> {
  const log = (s: string): void => console.log(s);
  const rows: string[] = [];
  const only = (process.env['CRYOPICK_BENCH_YOLO_SETS'] ?? '10028,10059,sim').split(',');
  const families = (process.env['CRYOPICK_BENCH_YOLO_FAMILIES'] ?? 'yolo,topaz').split(',');
  // experiments beside the defaults, on the chosen sets: noobj05, rsnoobj05, ep20, coord5, w1, w05coord5, w05ep20, w05seed1, w05avg, w05ignavg (each a full training; seed1: the default again with another seed)
  const variants = (process.env['CRYOPICK_BENCH_YOLO_VARIANTS'] ?? '').split(',').filter((v) => v !== '');
  const sets = [only.includes('10028') ? await cryoppp('10028', 56) : undefined, only.includes('10059') ? await cryoppp('10059', 35.2) : undefined,
    only.includes('sim') ? await simulatedSet() : undefined];
  for (const set of sets) {
    if (!set) continue;
    for (const [name, over] of rowsOf(set, variants)) {
      if (!families.includes(over.family as string)) continue;
      const key = `${set.name}|${JSON.stringify(over)}`;
      let q = process.env['CRYOPICK_BENCH_YOLO_FRESH'] === '1' ? undefined : await cached(key);
      if (!q && process.env['CRYOPICK_BENCH_YOLO_CACHED_ONLY'] === '1') continue;
      if (!q) {
        q = await familyOnSet(set, over, log);
        await appendFile(CACHE, `${JSON.stringify({ key, q })}\n`);
      }
      rows.push(`| ${set.name} | ${name} | ${f3(q.validAp)} | ${q.ap.toFixed(3)} | ${q.bestF1.toFixed(3)} | ${f3(q.meanIou)} | ${q.f1AtDefault.toFixed(3)} | ${f3(q.f1AtCryolo)} | ` +
        `${q.trainSeconds.toFixed(0)} s (CPU ${q.trainCpuSeconds.toFixed(0)} s) | ${(1000 * q.pickSecondsPerMicrograph).toFixed(0)} ms | ${q.bestEpoch} | ${q.validBestThreshold.toFixed(2)} | ${q.load.toFixed(1)} |`);
    }
  }
  return {
    title: 'YOLO family (crYOLO) against the default picker',
    command: 'npm run bench -- yolo',
    markdown: ['Train on `train`, epoch chosen on `valid` (particle AP for yolo, pixel AUPRC for topaz), reported on `test` (never trained or tuned on test images); settings are chosen by the valid AP column only. Matching radius 0.25 × d, Hungarian; picks as `cryopick pick` makes them by default (yolo: boxes, NMS at IoU 0.3; topaz: strided peaks, NMS 0.5 × d). F1 and mean IoU at the default threshold (yolo ' + YOLO_DEFAULT_THRESHOLD + ', topaz −0.4), and for yolo F1 at crYOLO\'s 0.3 too; mean IoU of the boxes matched at the default threshold (references: squares of side d; topaz picks: squares of side d too). Pick time: read + preprocess + network + NMS per test micrograph, including the first call\'s graph set-up. Rows may come from separate processes run at the same time (`CRYOPICK_BENCH_YOLO_SETS` / `_FAMILIES` / `_VARIANTS` choose; measured rows are kept in a cache and reused): the load column is each row\'s own, at the start of its training, on 2 cores; rows trained with 1 thread (`CRYOPICK_BENCH_YOLO_THREADS=1`, the experiments on a shared machine) show less CPU for the same work than rows with 2.', '',
      '| data | picker | valid AP (chooses) | test AP | best F1 | mean IoU | F1 at default | F1 at 0.3 (yolo) | train wall | pick per micrograph | best epoch | best-F1 threshold on valid | load at start |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'),
  };
}
