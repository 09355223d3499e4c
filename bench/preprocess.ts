// Preprocessing speed: Fourier crop of 4096² (and K2/K3-sized, non-power-of-two) micrographs,
// GMM normalisation of a 512² micrograph, and `preprocessFiles` throughput on 20 micrographs with
// 1 and 2 worker threads (and from the cache). Medians of 5 runs after a warm-up, one thread each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { makeImage } from '../src/image/image.js';
import type { Image2D } from '../src/image/image.js';
import { fourierCrop } from '../src/image/fourier-crop.js';
import { binImage } from '../src/image/downsample.js';
import { DEFAULT_GMM_PARAMS, normalizeImage } from '../src/image/normalize.js';
import { fitGmm } from '../src/image/gmm.js';
import { sampleWithoutReplacement } from '../src/image/_random.js';
import { Random } from '../src/random.js';
import { parsePreprocessParams } from '../src/image/preprocess-params.js';
import { preprocessFiles } from '../src/preprocess/preprocess-files.js';
import { writeMrc } from '../src/io/mrc.js';

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing { readonly median: number; readonly min: number; readonly max: number; readonly cpu: number }

/** Wall-clock median/min/max and the median CPU seconds of the whole process (all threads). */
async function timeRuns(fn: () => unknown, runs = 5, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { median: median(t), min: Math.min(...t), max: Math.max(...t), cpu: median(cpu) };
}

/** Noisy "micrograph": shot-noise-like values around 10, a slow ice gradient and dark blobs. */
function syntheticMicrograph(width: number, height: number, seed: number): Image2D {
  const data = new Float32Array(width * height);
  let s = seed * 2654435761 >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    const ramp = (2 * y) / height;
    for (let x = 0; x < width; x++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      const blob = ((x >> 7) + (y >> 7) + seed) % 9 === 0 ? -4 : 0;
      data[y * width + x] = 10 + ramp + blob + (s / 4294967296 - 0.5) * 6;
    }
  }
  return makeImage(width, height, data, 1.0);
}

const s3 = (v: number): string => `${v.toFixed(3)} s`;
const range = (r: Timing): string => `${r.min.toFixed(3)}–${r.max.toFixed(3)} | ${r.cpu.toFixed(3)}`;

async function cropRows(): Promise<string[]> {
  const rows: string[] = [];
  const cases: Array<[number, number, number, number, string]> = [
    [4096, 4096, 1024, 1024, 'power of two: fft.js real rows + kept columns'],
    [4096, 4096, 512, 512, 'power of two'],
    [5760, 4092, 1440, 1023, 'K3 size, Bluestein (no power of two)'],
    [3838, 3710, 960, 928, 'K2 size, Bluestein'],
  ];
  for (const [W, H, w, h, note] of cases) {
    const img = syntheticMicrograph(W, H, 1);
    const r = await timeRuns(() => fourierCrop(img, w, h));
    rows.push(`| Fourier crop ${W}×${H} → ${w}×${h} | ${s3(r.median)} | ${range(r)} | ${note} |`);
  }
  const img = syntheticMicrograph(4096, 4096, 2);
  const b = await timeRuns(() => binImage(img, 4));
  rows.push(`| bin ×4 4096×4096 → 1024×1024 | ${s3(b.median)} | ${range(b)} | block average, for comparison |`);
  return rows;
}

async function gmmRows(): Promise<string[]> {
  const rows: string[] = [];
  const img = syntheticMicrograph(512, 512, 3);
  const full = await timeRuns(() => normalizeImage(img, DEFAULT_GMM_PARAMS));
  rows.push(`| GMM normalisation 512×512 (sample 10, 100 iterations, 23 restarts) | ${s3(full.median)} | ${range(full)} | defaults |`);
  const all = await timeRuns(() => normalizeImage(img, { ...DEFAULT_GMM_PARAMS, sample: 1 }));
  rows.push(`| GMM normalisation 512×512, every pixel (sample 1) | ${s3(all.median)} | ${range(all)} | |`);
  const values = sampleWithoutReplacement(img.data, Math.round(img.data.length / 10), new Random(0).next);
  const opts = { iterations: 100, tolerance: 1e-3, initialWeights: DEFAULT_GMM_PARAMS.initialWeights, priorAlpha: 900, priorBeta: 1, scale: 10 };
  const exact = await timeRuns(() => fitGmm(values, { ...opts, groupWidth: 0 }), 3, 1);
  rows.push(`| GMM fit, exact per-pixel EM (groupWidth 0), same sample | ${s3(exact.median)} | ${range(exact)} | what grouping saves |`);
  const topaz = await timeRuns(() => fitGmm(values, { ...opts, groupWidth: 0, seedFrom: 'bright' }), 3, 1);
  rows.push(`| GMM fit, exact EM, Topaz's 12 restarts only | ${s3(topaz.median)} | ${range(topaz)} | Topaz-equivalent work |`);
  return rows;
}

async function throughputRows(): Promise<{ rows: string[]; ratio: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-pp-'));
  const rows: string[] = [];
  try {
    const inputs: string[] = [];
    for (let i = 0; i < 20; i++) {
      const path = join(dir, `mic_${String(i).padStart(2, '0')}.mrc`);
      await writeMrc(path, syntheticMicrograph(4096, 4096, i + 10));
      inputs.push(path);
    }
    const params = parsePreprocessParams({ downsample: { kind: 'factor', factor: 4 } });
    const out = join(dir, 'out');
    const per: Record<number, number> = {};
    for (const threads of [1, 2]) {
      const r = await timeRuns(() => preprocessFiles(inputs, out, params, { threads, overwrite: true }), 5, 1);
      per[threads] = r.median;
      rows.push(`| preprocess 20 × 4096² MRC → 1024² (crop ×4 + GMM), ${threads} thread${threads > 1 ? 's' : ''} | ${s3(r.median)} | ${range(r)} | ${(20 / r.median).toFixed(2)} micrographs/s |`);
    }
    const cacheDir = join(dir, 'cache');
    await preprocessFiles(inputs, undefined, params, { threads: 2, cacheDir });
    const hit = await timeRuns(() => preprocessFiles(inputs, out, params, { threads: 2, cacheDir, overwrite: true }), 5, 1);
    rows.push(`| same 20 from the cache (hash 64 MB each + copy), 2 threads | ${s3(hit.median)} | ${range(hit)} | ${(20 / hit.median).toFixed(2)} micrographs/s |`);
    return { rows, ratio: per[1]! / per[2]! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchSection> {
  const crop = await cropRows();
  const gmm = await gmmRows();
  const { rows: tp, ratio } = await throughputRows();
  const rssMiB = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  const markdown = [
    'Single-threaded unless stated; median of 5 runs after warm-up (GMM exact: 3 runs); times in seconds.',
    'CPU s is the median CPU time of the whole process (all threads): on a busy machine it shows the work',
    'done, while the wall time also shows how much of the machine the benchmark got.',
    '',
    '| case | median wall | range | CPU s (process) | notes |',
    '|---|---|---|---|---|',
    ...crop,
    ...gmm,
    ...tp,
    '',
    `Speed-up of 2 threads over 1 on the 20-micrograph run: ${ratio.toFixed(2)}×. Peak RSS of the benchmark process: ${rssMiB} MiB.`,
    'Target from the design doc: Fourier crop 4096² → 1024² in ≤ 0.6 s single-threaded.',
  ].join('\n');
  return { title: 'Preprocessing (Fourier crop, GMM normalisation, preprocess throughput)', command: 'npm run bench -- preprocess', markdown };
}
