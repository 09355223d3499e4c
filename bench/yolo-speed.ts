// Picking speed of the yolo family end to end on 4096² float32 MRC micrographs (read, Fourier
// downsampling, GMM normalisation, network, box NMS, detection files), for each width multiplier
// and passthrough: micrographs/s after warm-up, CPU seconds beside wall seconds, load average.
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { writeMrc } from '../src/io/mrc.js';
import { makeImage } from '../src/image/image.js';
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

/** Micrographs per second picking `files` with a random-weight model of this width (the network's cost does not depend on its weights). */
export async function pickSpeed(dir: string, files: readonly string[], width: number, passthrough: Passthrough, downsample: number): Promise<SpeedPoint> {
  const name = `w${width}-${passthrough}-ds${downsample}`;
  const model = YoloModel.create(defaultYoloConfig({ width, passthrough, anchor: 200 / downsample }), 7);
  const preprocess = { downsample: { kind: 'factor', factor: downsample, method: 'fourier' }, normalize: { kind: 'gmm' } };
  await model.exportOnnx(join(dir, `${name}.onnx`), { input: { preprocess, particleDiameter: 200 } }, { overwrite: true });
  const scorer = await loadScoreModel(join(dir, `${name}.onnx`));
  const load = os.loadavg()[0] ?? 0;
  const stamps: number[] = [];
  let cpuAtWarm = process.cpuUsage();
  await pickMicrographs(files, scorer, {
    outDir: join(dir, `out-${name}`), minDistancePx: 100, floor: 0.001, inference: 'dense', diameterPx: 200, concurrency: 2, overwrite: true,
    onProgress: () => { stamps.push(performance.now()); if (stamps.length === WARMUP) cpuAtWarm = process.cpuUsage(); },
  });
  const cpu = process.cpuUsage(cpuAtWarm);
  await scorer.release?.();
  const timed = stamps.length - WARMUP;
  const seconds = ((stamps.at(-1) as number) - (stamps[WARMUP - 1] as number)) / 1000;
  return { width, passthrough, downsample, perSecond: timed / seconds, cpuPerMicrograph: (cpu.user + cpu.system) / 1e6 / timed, load };
}

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-yolo-speed-'));
  const files = await micrographs(dir);
  const rows: string[] = [];
  const settings: [number, Passthrough, number][] = [[1, 'upsample', 4], [0.5, 'upsample', 4], [0.25, 'upsample', 4], [0.25, 'reorg', 4], [0.25, 'upsample', 8]];
  for (const [w, pt, ds] of settings) {
    const s = await pickSpeed(dir, files, w, pt, ds);
    console.log(JSON.stringify(s));
    rows.push(`| ×${w} | ${pt} | ${ds} (${SIZE / ds}² input) | ${s.perSecond.toFixed(2)} | ${s.cpuPerMicrograph.toFixed(2)} s | ${s.load.toFixed(1)} |`);
  }
  return {
    title: 'YOLO family: picking speed of 4096² micrographs by width multiplier',
    command: 'npm run bench -- yolo-speed',
    markdown: [`${MICROGRAPHS} micrographs of ${SIZE}² float32 MRC after ${WARMUP} warm-up, 2 in flight, all threads; read, Fourier downsampling, GMM normalisation, network, box NMS, detection files.`, '',
      '| width | passthrough | downsampling | micrographs/s | CPU per micrograph | load average |', '|---|---|---|---|---|---|', ...rows].join('\n'),
  };
}
