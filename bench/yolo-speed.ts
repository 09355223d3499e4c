// Picking speed of the yolo family end to end on 4096² float32 MRC micrographs (read, Fourier
// downsampling, GMM normalisation, network, box NMS, detection files), for each width multiplier
// and passthrough: micrographs/s after warm-up, CPU seconds beside wall seconds, load average;
// where one micrograph's CPU time goes (read, downsampling, normalisation, network + NMS); and
// reading/preprocessing on the main thread against worker threads, in the same run.
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { writeMrc } from '../src/io/mrc.js';
import { makeImage } from '../src/image/image.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { applyDownsamplePlan, planDownsample } from '../src/image/downsample.js';
import { normalizeImage } from '../src/image/normalize.js';
import type { RuntimeOptions } from '../src/engine/runtime.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { pickMicrographs } from '../src/pick/pick-run.js';
import { YoloModel } from '../src/models/yolo/yolo-model.js';
import { defaultYoloConfig, type Passthrough } from '../src/models/yolo/spec.js';

const SIZE = 4096;
const DISTINCT = 4;
const MICROGRAPHS = Number(process.env['CRYOPICK_BENCH_YOLO_MICS'] ?? 10);
const WARMUP = 2;

export interface SpeedPoint {
  readonly width: number;
  readonly passthrough: Passthrough;
  readonly downsample: number;
  /** Worker threads reading and preprocessing (0 = the main thread). */
  readonly prepareThreads: number;
  readonly spinning: boolean;
  readonly perSecond: number;
  readonly cpuPerMicrograph: number;
  readonly load: number;
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
  const path = await exportModel(dir, width, passthrough, downsample);
  const scorer = await loadScoreModel(path, spinning ? {} : { spinning: false });
  const load = os.loadavg()[0] ?? 0;
  const stamps: number[] = [];
  let cpuAtWarm = process.cpuUsage();
  await pickMicrographs(files, scorer, {
    outDir: join(dir, `out-${prepareThreads}-${spinning}`), minDistancePx: 100, floor: 0.001, inference: 'dense', diameterPx: 200, concurrency: 2, overwrite: true, prepareThreads,
    onProgress: () => { stamps.push(performance.now()); if (stamps.length === WARMUP) cpuAtWarm = process.cpuUsage(); },
  });
  const cpu = process.cpuUsage(cpuAtWarm);
  await scorer.release?.();
  const timed = stamps.length - WARMUP;
  const seconds = ((stamps.at(-1) as number) - (stamps[WARMUP - 1] as number)) / 1000;
  return { width, passthrough, downsample, prepareThreads, spinning, perSecond: timed / seconds, cpuPerMicrograph: (cpu.user + cpu.system) / 1e6 / timed, load };
}

/** Median CPU seconds of each stage of one micrograph's pick, one at a time on the main thread (network: 1 thread). */
export async function stageCpu(dir: string, files: readonly string[], width: number, downsample: number): Promise<Record<'read' | 'downsample' | 'normalize' | 'network', number>> {
  const scorer = await loadScoreModel(await exportModel(dir, width, 'upsample', downsample), { threads: 1 } satisfies RuntimeOptions);
  const cpu = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => { const c = process.cpuUsage(); const r = await f(); const d = process.cpuUsage(c); return [r, (d.user + d.system) / 1e6]; };
  const times: Record<'read' | 'downsample' | 'normalize' | 'network', number[]> = { read: [], downsample: [], normalize: [], network: [] };
  for (const f of files.slice(0, 5)) {
    const [img, read] = await cpu(() => readMicrograph(f));
    const plan = planDownsample(img.width, img.height, img.pixelSizeA, scorer.preprocess.downsample);
    const [small, ds] = await cpu(() => applyDownsamplePlan(img, plan, undefined));
    const [norm, nm] = await cpu(() => normalizeImage(small, scorer.preprocess.normalize, false));
    const [, net] = await cpu(() => (scorer.detect as NonNullable<typeof scorer.detect>)(norm.image, 0.001));
    times.read.push(read); times.downsample.push(ds); times.normalize.push(nm); times.network.push(net);
  }
  await scorer.release?.();
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  return { read: median(times.read), downsample: median(times.downsample), normalize: median(times.normalize), network: median(times.network) };
}

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-yolo-speed-'));
  const files = await micrographs(dir);
  const stages = await stageCpu(dir, files, 0.25, 4);
  console.log(JSON.stringify(stages));
  const rows: string[] = [];
  // [width, passthrough, downsampling, prepare threads, ORT spinning]
  const settings: [number, Passthrough, number, number, boolean][] = (process.env['CRYOPICK_BENCH_YOLO_SPEED_QUICK'] === '1'
    ? [[0.25, 'upsample', 4, 0, true], [0.25, 'upsample', 4, 2, true], [0.25, 'upsample', 4, 2, false]]
    : [[0.25, 'upsample', 4, 0, true], [0.25, 'upsample', 4, 2, true], [0.25, 'upsample', 4, 2, false], [1, 'upsample', 4, 2, false], [0.5, 'upsample', 4, 2, false], [0.25, 'reorg', 4, 2, false], [0.25, 'upsample', 8, 2, false]]);
  for (const [w, pt, ds, threads, spin] of settings) {
    const s = await pickSpeed(dir, files, w, pt, ds, threads, spin);
    console.log(JSON.stringify(s));
    rows.push(`| ×${w} | ${pt} | ${ds} (${SIZE / ds}² input) | ${threads === 0 ? 'main thread' : `${threads} worker threads`} | ${spin ? 'on' : 'off'} | ${s.perSecond.toFixed(2)} | ${s.cpuPerMicrograph.toFixed(2)} s | ${s.load.toFixed(1)} |`);
  }
  const st = stages;
  return {
    title: 'YOLO family: picking speed of 4096² micrographs by width multiplier',
    command: 'npm run bench -- yolo-speed',
    markdown: [`${MICROGRAPHS} micrographs of ${SIZE}² float32 MRC after ${WARMUP} warm-up, 2 in flight, network on all cores; read, Fourier downsampling, GMM normalisation, network, box NMS, detection files. Micrographs/s is wall-clock throughput (it depends on the load average beside it); CPU per micrograph is this process's user + system time, all threads.`, '',
      `Where one micrograph's CPU goes (×0.25 upsample, ds 4, stages one after another on the main thread, network on 1 thread, median of 5): read ${st.read.toFixed(2)} s, Fourier downsampling ${st.downsample.toFixed(2)} s, GMM normalisation ${st.normalize.toFixed(2)} s, network + box NMS ${st.network.toFixed(2)} s (total ${(st.read + st.downsample + st.normalize + st.network).toFixed(2)} s).`, '',
      '| width | passthrough | downsampling | read + preprocess on | ORT spinning | micrographs/s | CPU per micrograph | load average |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n'),
  };
}
