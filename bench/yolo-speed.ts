// Picking speed of the yolo family end to end on 4096² float32 MRC micrographs (read, Fourier
// downsampling, GMM normalisation, network, box NMS, detection files), for each width multiplier
// and passthrough: micrographs/s after warm-up, CPU seconds beside wall seconds, load average;
// where one micrograph's CPU goes (now and the way it was before, in the same run); and
// reading/preprocessing on the main thread against worker threads, in the same run.
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { writeMrc } from '../src/io/mrc.js';
import { makeImage } from '../src/image/image.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { YoloModel } from '../src/models/yolo/yolo-model.js';
import { defaultYoloConfig, type Passthrough } from '../src/models/yolo/spec.js';
import { pickThroughput, REPEATS, stageCpu, stageSentence, type Throughput } from './_pick-throughput.js';

const SIZE = 4096;
const DISTINCT = 4;
const MICROGRAPHS = Number(process.env['CRYOPICK_BENCH_YOLO_MICS'] ?? 10);
const WARMUP = 2;
const PICK = { minDistancePx: 100, floor: 0.001, inference: 'dense', diameterPx: 200 } as const;

export interface SpeedPoint extends Throughput {
  readonly width: number;
  readonly passthrough: Passthrough;
  readonly downsample: number;
  /** Worker threads reading and preprocessing (0 = the main thread). */
  readonly prepareThreads: number;
  readonly spinning: boolean;
}

async function micrographs(dir: string): Promise<string[]> {
  await mkdir(join(dir, 'mics'), { recursive: true });
  let seed = 99;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let k = 0; k < DISTINCT; k++) {
    const data = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < data.length; i++) data[i] = rand() + rand() + rand() - 1.5;
    await writeMrc(join(dir, `src_${k}.mrc`), makeImage(SIZE, SIZE, data, 1.0));
  }
  const files: string[] = [];
  for (let i = 0; i < MICROGRAPHS + WARMUP; i++) {
    const f = join(dir, 'mics', `mic_${String(i).padStart(3, '0')}.mrc`);
    await symlink(join(dir, `src_${i % DISTINCT}.mrc`), f);
    files.push(f);
  }
  return files;
}

async function exportModel(dir: string, width: number, passthrough: Passthrough, downsample: number): Promise<string> {
  const name = `w${width}-${passthrough}-ds${downsample}`;
  const model = YoloModel.create(defaultYoloConfig({ width, passthrough, anchor: 200 / downsample }), 7);
  const preprocess = { downsample: { kind: 'factor', factor: downsample, method: 'fourier' }, normalize: { kind: 'gmm' } };
  await model.exportOnnx(join(dir, `${name}.onnx`), { input: { preprocess, particleDiameter: 200 } }, { overwrite: true });
  return join(dir, `${name}.onnx`);
}

/** Micrographs per second picking `files` with a random-weight model of this width (the network's cost does not depend on its weights). */
export async function pickSpeed(dir: string, files: readonly string[], width: number, passthrough: Passthrough, downsample: number, prepareThreads = 2, spinning = true): Promise<SpeedPoint> {
  const scorer = await loadScoreModel(await exportModel(dir, width, passthrough, downsample), spinning ? {} : { spinning: false });
  try {
    const t = await pickThroughput(files, scorer, join(dir, `out-${prepareThreads}-${spinning}`), { ...PICK, concurrency: 2, prepareThreads }, WARMUP);
    return { width, passthrough, downsample, prepareThreads, spinning, ...t };
  } finally {
    await scorer.release?.();
  }
}

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-yolo-speed-'));
  const files = await micrographs(dir);
  const stageModel = await loadScoreModel(await exportModel(dir, 0.25, 'upsample', 4), { threads: 1 });
  const stages = await stageCpu(files.slice(0, 5), stageModel, PICK);
  await stageModel.release?.();
  console.log(JSON.stringify(stages));
  const rows: string[] = [];
  // [width, passthrough, downsampling, prepare threads, ORT spinning]
  const settings: [number, Passthrough, number, number, boolean][] = (process.env['CRYOPICK_BENCH_YOLO_SPEED_QUICK'] === '1'
    ? [[0.25, 'upsample', 4, 0, true], [0.25, 'upsample', 4, 2, true], [0.25, 'upsample', 4, 0, false], [0.25, 'upsample', 4, 2, false]]
    : [[0.25, 'upsample', 4, 0, true], [0.25, 'upsample', 4, 2, true], [0.25, 'upsample', 4, 0, false], [0.25, 'upsample', 4, 2, false], [1, 'upsample', 4, 2, false], [0.5, 'upsample', 4, 2, false], [0.5, 'upsample', 4, 2, true], [0.25, 'reorg', 4, 2, false], [0.25, 'upsample', 8, 2, false]]);
  for (const [w, pt, ds, threads, spin] of settings) {
    const s = await pickSpeed(dir, files, w, pt, ds, threads, spin);
    console.log(JSON.stringify(s));
    rows.push(`| ×${w} | ${pt} | ${ds} (${SIZE / ds}² input) | ${threads === 0 ? 'main thread' : `${threads} worker threads`} | ${spin ? 'on' : 'off'} | ${s.perSecond.toFixed(2)} (${s.range[0].toFixed(2)}–${s.range[1].toFixed(2)}) | ${s.cpuPerMicrograph.toFixed(2)} s | ${s.load[0].toFixed(1)} → ${s.load[1].toFixed(1)} |`);
  }
  await rm(dir, { recursive: true, force: true });
  return {
    title: 'YOLO family: picking speed of 4096² micrographs by width multiplier',
    command: 'npm run bench -- yolo-speed',
    markdown: [`${MICROGRAPHS} micrographs of ${SIZE}² float32 MRC after ${WARMUP} warm-up, 2 in flight, network on all cores; read, Fourier downsampling, GMM normalisation, network, box NMS, detection files. Micrographs/s is wall-clock throughput, the median of ${REPEATS} runs (range in brackets; it depends on the load average beside it, at the start → the end of each row); CPU per micrograph is this process's user + system time, all threads (median).`, '',
      `Where one micrograph's CPU goes (×0.25 upsample, ds 4, stages one after another on the main thread, network on 1 thread, median of 5): ${stageSentence(stages)}.`, '',
      '| width | passthrough | downsampling | read + preprocess on | ORT spinning | micrographs/s | CPU per micrograph | load average |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n'),
  };
}
