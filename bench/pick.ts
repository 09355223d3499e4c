// End-to-end picking speed: 4096×4096 float32 MRC micrographs read, Fourier-downsampled ×8,
// GMM-normalised, scored by a ResNet8 (dense and strided), NMS, written; micrographs/s and peak RSS.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './run.js';
import { PickerModel } from '../src/models/picker-model.js';
import { defaultConfig } from '../src/models/topaz/spec.js';
import { writeMrc } from '../src/io/mrc.js';
import { makeImage } from '../src/image/image.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { pickMicrographs } from '../src/pick/pick-run.js';
import { writePickOutputs } from '../src/pick/outputs.js';
import { pickImage } from '../src/pick/pick-image.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { readCoordinates } from '../src/io/coordinate-formats.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import type { MicrographPicks } from '../src/io/coords.js';
import { defaultThreshold } from '../src/pick/threshold.js';
import { smoothScoreGrid } from '../src/pick/smooth.js';
import { realFile } from '../test/_paths.js';

const SIZE = 4096;
const DISTINCT = 4;
const MICROGRAPHS = 20;
const WARMUP = 2;

interface ChildResult {
  readonly intervalsMs: number[];
  readonly totalSeconds: number;
  readonly peakRssMiB: number;
  readonly detections: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Child process: picks every micrograph in `dir/mics`, timing the gaps between completions. */
async function child(dir: string, inference: 'dense' | 'strided'): Promise<ChildResult> {
  const files = Array.from({ length: MICROGRAPHS }, (_, i) => join(dir, 'mics', `mic_${String(i).padStart(3, '0')}.mrc`));
  const model = await loadScoreModel(join(dir, 'model.onnx'));
  const out = join(dir, `out-${inference}`);
  const stamps: number[] = [];
  const t0 = performance.now();
  const r = await pickMicrographs(files, model, {
    outDir: out, minDistancePx: 100, floor: -6, inference, diameterPx: 200, concurrency: 2, overwrite: true,
    onProgress: () => stamps.push(performance.now()),
  });
  await writePickOutputs(out, files, 0, ['star'], out, { overwrite: true });
  const totalSeconds = (performance.now() - t0) / 1000;
  await model.release?.();
  // with 2 micrographs in flight completions come in pairs, so each sample spans 2 completions
  const intervalsMs: number[] = [];
  for (let i = WARMUP; i + 2 < stamps.length; i++) intervalsMs.push(((stamps[i + 2] as number) - (stamps[i] as number)) / 2);
  return { intervalsMs, totalSeconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, detections: r.detections };
}

async function prepare(dir: string): Promise<void> {
  const model = PickerModel.create(defaultConfig('resnet8'), 7);
  const preprocess = { downsample: { kind: 'factor', factor: 8, method: 'fourier' }, normalize: { kind: 'gmm' } };
  await model.exportOnnx(join(dir, 'model.onnx'), { input: { preprocess, particleDiameter: 200 } });
  let seed = 99;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let k = 0; k < DISTINCT; k++) {
    const data = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < data.length; i++) data[i] = rand() + rand() + rand() - 1.5;
    await writeMrc(join(dir, `src_${k}.mrc`), makeImage(SIZE, SIZE, data, 1.0));
  }
  // distinct names, shared content: 24 micrographs from 4 files (read through the page cache)
  for (let i = 0; i < MICROGRAPHS; i++) await symlink(join(dir, `src_${i % DISTINCT}.mrc`), join(dir, 'mics', `mic_${String(i).padStart(3, '0')}.mrc`));
}

const E28 = [
  { split: 'valid', names: ['065_10028'] },
  { split: 'test', names: ['311', '312', '313', '314', '315'].map((n) => `${n}_10028`) },
] as const;

/**
 * Dense vs strided AP on the EMPIAR-10028 validation micrograph (where the default thresholds and
 * inference mode were chosen) and the 5 test micrographs (reported only), CryoPPP PNGs with centres
 * derived from the masks, for a model trained on the 4 train micrographs: path in
 * CRYOPICK_BENCH_E28_MODEL (e.g. the model written by `npm run bench -- train`). Undefined when
 * model or data are absent.
 */
export async function qualityE28(modelPath: string | undefined): Promise<string | undefined> {
  const root = realFile('prompt-sam-cryoppp/dataset/10028');
  const labels = realFile('derived/empiar10028_from_promptsam_labels');
  if (!modelPath || !root || !labels) return undefined;
  const model = await loadScoreModel(modelPath);
  const rows: string[] = [];
  // warm-up: the first inference of each mode pays for session set-up
  const first = await readMicrograph(join(root, 'valid', 'images', '065_10028.png'));
  for (const inference of ['dense', 'strided'] as const) await pickImage('warm-up', first, model, { minDistancePx: 28, floor: -12, inference, diameterPx: 56 });
  for (const { split, names } of E28) {
    const refs: MicrographPicks[] = [];
    for (const n of names) refs.push(...(await readCoordinates(join(labels, `${n}.csv`))).map((m) => ({ ...m, micrograph: n })));
    for (const inference of ['dense', 'strided'] as const) {
      const preds: MicrographPicks[] = [];
      let ms = 0;
      for (const n of names) {
        const image = await readMicrograph(join(root, split, 'images', `${n}.png`));
        const t = performance.now();
        const d = await pickImage(n, image, model, { minDistancePx: 28, floor: -12, inference, diameterPx: 56 });
        ms += performance.now() - t;
        preds.push({ micrograph: n, particles: d.particles, frame: { binning: 1, yFlipped: false } });
      }
      const ap = (radiusPx: number): string => evaluatePicks(preds, refs, { diameterPx: 56, radiusPx }).overall.ap?.toFixed(3) ?? '-';
      const best = evaluatePicks(preds, refs, { diameterPx: 56, radiusPx: 14 }).overall.bestF1;
      const atDefault = evaluatePicks(preds, refs, { diameterPx: 56, radiusPx: 14, threshold: defaultThreshold(inference) }).overall.f1;
      rows.push(`| ${split} (${names.length}) | ${inference} | ${ap(14)} | ${ap(28)} | ${best ? `${best.f1.toFixed(3)} @ ${best.threshold.toFixed(2)}` : '-'} | ${atDefault.toFixed(3)} @ ${defaultThreshold(inference)} | ${(ms / names.length).toFixed(0)} |`);
    }
  }
  await model.release?.();
  return [
    '',
    '',
    `EMPIAR-10028 (1024² CryoPPP PNGs, ground truth from the masks, diameter 56 px), model ${modelPath}. The defaults`,
    '(inference mode, threshold per mode; raw peak scores) were chosen on the valid micrograph; the test rows are reported only.',
    `Machine load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}.`,
    '',
    '| split (micrographs) | inference | AP (r = 0.25 d) | AP (r = 0.5 d) | best F1 @ threshold | F1 @ default threshold | ms per micrograph |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `--smooth` cost: median of 5 timings (after 2 warm-ups) of smoothing one score map. */
function smoothingCost(): string {
  const cases = [{ side: 512, sigma: 4.5, note: 'a 4096² micrograph at ×8, σ = 0.15 × 30 px (exact Gaussian)' },
    { side: 4096, sigma: 30, note: 'a 4096² micrograph unbinned, σ = 0.15 × 200 px (three box passes)' }];
  const rows = cases.map(({ side, sigma, note }) => {
    const grid = { width: side, height: side, stride: 1, data: Float32Array.from({ length: side * side }, (_, i) => Math.sin(i)) };
    const ms: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t = performance.now();
      smoothScoreGrid(grid, sigma);
      if (k >= 2) ms.push(performance.now() - t);
    }
    return `| ${side}² | ${sigma} | ${median(ms).toFixed(0)} | ${note} |`;
  });
  return ['', '', 'Score smoothing (`--smooth`, off by default), one thread, median of 5 after 2 warm-ups:', '',
    '| score map | σ (map px) | ms | case |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-pick-'));
  try {
    await mkdir(join(dir, 'mics'));
    await prepare(dir);
    const self = fileURLToPath(import.meta.url);
    const results = (['dense', 'strided'] as const).map((mode) => {
      const text = execFileSync(process.execPath, [self, '--child', dir, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
      return { mode, r: JSON.parse(text.trim().split('\n').pop() as string) as ChildResult };
    });
    const rows = results.map(({ mode, r }) => {
      const perMic = median(r.intervalsMs) / 1000;
      return `| ${mode} | ${(1 / perMic).toFixed(2)} | ${perMic.toFixed(3)} | ${(MICROGRAPHS / r.totalSeconds).toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.detections} |`;
    });
    const markdown = [
      `${MICROGRAPHS} micrographs of ${SIZE}×${SIZE} float32 MRC (${DISTINCT} distinct files behind symlinks, so reads come`,
      'mostly from the page cache), ResNet8 (units 32, random weights: speed does not depend on them), Fourier',
      'downsampling ×8 to 512×512, GMM normalisation, NMS at 100 px, detection store + RELION autopick.star written.',
      `2 micrographs in flight. Rate = 1 / median of (time for 2 more completions) / 2, after ${WARMUP} warm-up micrographs;`,
      'overall = micrographs / wall time including model load. Peak RSS of the picking process (target ≤ 1.5 GB).',
      '',
      '| inference | micrographs/s (median) | s per micrograph | overall micrographs/s | peak RSS (MiB) | detections ≥ −6 |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n') + smoothingCost() + ((await qualityE28(process.env['CRYOPICK_BENCH_E28_MODEL'])) ?? '\n\nDense vs strided AP on EMPIAR-10028: set CRYOPICK_BENCH_E28_MODEL to a trained model to include it.');
    return { title: 'Picking at scale (4096² MRC, ResNet8, ×8)', command: 'npm run bench -- pick', markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const mode = process.argv[4] === 'strided' ? 'strided' : 'dense';
  const r = await child(process.argv[3] as string, mode);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
