// Test-time augmentation of yolo picks (`pick --tta`): each trained model picks the `valid` and
// `test` micrographs of the real sets with one pass, 4 flips and the 8 symmetries; AP, best F1,
// mean IoU, F1 at the default threshold, and the median wall and CPU time per micrograph.
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchSection } from './run.js';
import { cryoppp, pickDefaults, yoloDownsample, type DataSet, type Split } from './yolo.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import type { MicrographPicks } from '../src/io/coords.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { pickImage } from '../src/pick/pick-image.js';
import { loadScoreModel, type ScoreModel } from '../src/pick/score-model.js';
import { YOLO_DEFAULT_THRESHOLD } from '../src/pick/threshold.js';
import type { TestTimeAugmentation } from '../src/pick/tta.js';
import { trainPicker } from '../src/train/trainer.js';

const MODES: readonly TestTimeAugmentation[] = ['none', 'flips', 'dihedral'];

const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1] ?? Number.NaN;

/** Picks a split as `cryopick pick --tta MODE` does (after one warm-up micrograph); per-micrograph wall and CPU seconds. */
async function pickSplit(model: ScoreModel, split: Split, d: number, mode: TestTimeAugmentation): Promise<{ picks: MicrographPicks[]; wall: number[]; cpu: number[] }> {
  const settings = { ...pickDefaults('yolo', d), testTimeAugmentation: mode };
  const first = split.micrographs[0] as string;
  await pickImage(basename(first), await readMicrograph(first), model, settings);
  const out = { picks: [] as MicrographPicks[], wall: [] as number[], cpu: [] as number[] };
  for (const m of split.micrographs) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await pickImage(basename(m), await readMicrograph(m), model, settings);
    const c = process.cpuUsage(c0);
    out.wall.push((performance.now() - t0) / 1000);
    out.cpu.push((c.user + c.system) / 1e6);
    out.picks.push({ micrograph: r.micrograph, particles: r.particles, frame: { binning: 1, yFlipped: false }, width: r.width, height: r.height });
  }
  return out;
}

/** The default yolo model of a set, trained as the yolo table's default row (epochs overridable). */
async function trainDefault(set: DataSet, epochs?: number): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), `cryopick-bench-yolo-tta-${set.name}-`));
  const r = await trainPicker({
    family: 'yolo', micrographs: [...set.train.micrographs, ...set.valid.micrographs], picks: set.trainPicks, testMicrographs: set.valid.micrographs.map((m) => basename(m)),
    particleDiameter: set.diameter, downsample: yoloDownsample(set.diameter), cropSize: 256, rescore: true, widthMultiplier: 0.5, threads: 2, ...(epochs === undefined ? {} : { epochs }),
  }, { outDir, plots: false });
  return r.modelPath;
}

/**
 * Models: CRYOPICK_BENCH_YOLO_TTA_MODELS="10028=default=PATH,10059=20 epochs=PATH,…" reuses trained
 * ones (the yolo table's runs); without it the default is trained for each set.
 */
async function modelsOf(sets: readonly DataSet[]): Promise<{ set: DataSet; label: string; path: string }[]> {
  const given = process.env['CRYOPICK_BENCH_YOLO_TTA_MODELS'];
  const byId = new Map(sets.map((s) => [s.name.replace('EMPIAR-', ''), s]));
  if (given) {
    return given.split(',').map((entry) => {
      const [id, label, path] = entry.split('=');
      const set = byId.get(id ?? '');
      if (!set || !label || !path) throw new Error(`CRYOPICK_BENCH_YOLO_TTA_MODELS: expected SET=LABEL=PATH with SET 10028 or 10059, got '${entry}'`);
      return { set, label, path };
    });
  }
  const out: { set: DataSet; label: string; path: string }[] = [];
  for (const set of sets) out.push({ set, label: 'default', path: await trainDefault(set) });
  return out;
}

export async function run(): Promise<BenchSection> {
  const sets = [await cryoppp('10028', 56), await cryoppp('10059', 35.2)].filter((s): s is DataSet => s !== undefined);
  const rows: string[] = [];
  const models = await modelsOf(sets);
  const load = loadavg()[0] ?? 0;
  for (const { set, label, path } of models) {
    const model = await loadScoreModel(path, { threads: 2 });
    try {
      for (const mode of MODES) {
        const opts = { diameterPx: set.diameter, radiusPx: 0.25 * set.diameter, threshold: YOLO_DEFAULT_THRESHOLD };
        const valid = evaluatePicks((await pickSplit(model, set.valid, set.diameter, mode)).picks, set.valid.truth, opts).overall;
        const t = await pickSplit(model, set.test, set.diameter, mode);
        const test = evaluatePicks(t.picks, set.test.truth, opts).overall;
        console.log(JSON.stringify({ set: set.name, label, mode, valid: valid.ap, test: test.ap }));
        rows.push(`| ${set.name} | ${label} | ${mode} | ${(valid.ap ?? 0).toFixed(3)} | ${(test.ap ?? 0).toFixed(3)} | ${(test.bestF1?.f1 ?? 0).toFixed(3)} | ` +
          `${test.meanIou?.toFixed(3) ?? '—'} | ${test.f1.toFixed(3)} | ${(1000 * median(t.wall)).toFixed(0)} ms | ${(1000 * median(t.cpu)).toFixed(0)} ms |`);
      }
    } finally {
      await model.release?.();
    }
  }
  return {
    title: 'YOLO family: test-time augmentation (pick --tta)',
    command: 'CRYOPICK_BENCH_YOLO_TTA_MODELS=10028=default=M1,… npm run bench -- yolo-tta (without the variable it trains the default models first)',
    markdown: ['Each model picks `valid` (which chooses) and `test` of the real sets as `cryopick pick --tta MODE` does (boxes ≥ 0.001, box NMS at IoU 0.3); the head is averaged over the flipped copies before decoding. Matching radius 0.25 × d; F1 and mean IoU at the default threshold ' + YOLO_DEFAULT_THRESHOLD + '. Times: median over the test micrographs (1024² PNG) after one warm-up micrograph, read + preprocess + network + NMS, 2 threads; load ' + load.toFixed(1) + ' at the start of picking on the 2 cores.', '',
      '| data | model | --tta | valid AP | test AP | best F1 | mean IoU | F1 at default | pick wall | pick CPU |', '|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'),
  };
}
