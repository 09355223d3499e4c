// Picking speed of the general (zero-label) model on 4096² simulated realistic MRC micrographs, as
// `cryopick pick --particle-diameter D` runs it (read, Fourier crop to the canonical scale, GMM
// normalisation, strided score map, peaks, detection files): micrographs/s after warm-up, CPU
// seconds beside wall seconds, load average, main thread against worker threads in the same run,
// and where one micrograph's CPU goes.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BenchSection } from './run.js';
import { atParticleScale, DEFAULT_BORDER_FRACTION, generalModelPath } from '../src/pick/general-model.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE } from '../src/pick/threshold.js';
import { ensureSim, SIM_DIR, simRealisticSet } from './general-eval.js';
import { pickThroughput, REPEATS, stageCpu, stageSentence } from './_pick-throughput.js';

const WARMUP = 2;

export async function run(): Promise<BenchSection> {
  await ensureSim();
  const set = await simRealisticSet(SIM_DIR, 8, 20); // 12 micrographs: 2 warm-up, 10 timed
  const d = set.diameterPx;
  const pick = { minDistancePx: 0.5 * d, floor: DEFAULT_FLOOR, inference: DEFAULT_INFERENCE, diameterPx: d, borderPx: DEFAULT_BORDER_FRACTION * d };
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-general-speed-'));
  const stageModel = atParticleScale(await loadScoreModel(generalModelPath(), { threads: 1 }), d);
  const stages = await stageCpu(set.images.slice(0, 5), stageModel, pick);
  await stageModel.release?.();
  console.log(JSON.stringify(stages));
  const rows: string[] = [];
  for (const [threads, spinning] of [[0, true], [2, true], [0, false], [2, false]] as const) {
    const model = atParticleScale(await loadScoreModel(generalModelPath(), spinning ? {} : { spinning: false }), d);
    try {
      const t = await pickThroughput(set.images, model, join(dir, `out-${threads}-${spinning}`), { ...pick, concurrency: 2, prepareThreads: threads }, WARMUP);
      console.log(JSON.stringify({ threads, spinning, ...t }));
      rows.push(`| ${threads === 0 ? 'main thread' : `${threads} worker threads`} | ${spinning ? 'on' : 'off'} | ${t.perSecond.toFixed(2)} (${t.range[0].toFixed(2)}–${t.range[1].toFixed(2)}) | ${t.cpuPerMicrograph.toFixed(2)} s | ${t.load[0].toFixed(1)} → ${t.load[1].toFixed(1)} |`);
    } finally {
      await model.release?.();
    }
  }
  await rm(dir, { recursive: true, force: true });
  return {
    title: 'General model: picking speed of 4096² micrographs',
    command: 'npm run bench -- general-speed',
    markdown: [`The shipped general model picking ${set.images.length - WARMUP} simulated realistic 4096² float32 MRC micrographs (particle ${d} px → Fourier crop ×${(d / 18).toFixed(2)} to the canonical 18 px) after ${WARMUP} warm-up, as \`cryopick pick --particle-diameter ${d}\` does (${DEFAULT_INFERENCE} score map, NMS 0.5 d, border ${DEFAULT_BORDER_FRACTION} d, detection files), 2 in flight, network on all cores. Micrographs/s is wall-clock throughput, the median of ${REPEATS} runs (range in brackets; it depends on the load average beside it, at the start → the end of each row); CPU per micrograph is this process's user + system time, all threads (median).`, '',
      `Where one micrograph's CPU goes (stages one after another on the main thread, network on 1 thread, median of 5): ${stageSentence(stages)}.`, '',
      '| read + preprocess on | ORT spinning | micrographs/s | CPU per micrograph | load average |', '|---|---|---|---|---|', ...rows].join('\n'),
  };
}
