// Simulator speed: one quick-preset micrograph (1024², in memory), the whole quick dataset written
// to disk (6 micrographs + STAR + manifest), and one realistic-preset 4096² micrograph; median of
// 5 runs after a warm-up, single thread, with the SNR reached and the process's peak RSS.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchSection } from './run.js';
import { simulateMicrograph } from '../src/sim/micrograph.js';
import { simulateDataset } from '../src/sim/dataset.js';
import { PRESETS } from '../src/sim/params.js';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timeIt(fn: (i: number) => unknown): Promise<number> {
  await fn(-1);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

export async function run(): Promise<BenchSection> {
  const quick = PRESETS.quick;
  const snrs: number[] = [];
  const quickOne = await timeIt((i) => snrs.push(simulateMicrograph(quick.params, 100 + i).measuredSnr));
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-sim-'));
  let truth = 0;
  let placed = 0;
  try {
    const quickSet = await timeIt(async (i) => {
      const m = await simulateDataset({ outDir: join(dir, `q${i + 1}`), params: quick.params, count: quick.count, seed: 1, preset: 'quick' });
      truth = m.totals.truth;
      placed = m.totals.placed;
    });
    const realistic = PRESETS.realistic.params;
    const realOne = await timeIt((i) => snrs.push(simulateMicrograph(realistic, 200 + i).measuredSnr));
    const rssMB = process.resourceUsage().maxRSS / 1024;
    const worstSnrError = Math.max(...snrs.map((s, i) => Math.abs(s / (i < RUNS + 1 ? quick.params.snr : realistic.snr) - 1)));
    const markdown = [
      '| case | median time | notes |',
      '|---|---|---|',
      `| one quick micrograph (1024², 4 Å/px, in memory) | ${quickOne.toFixed(2)} s | measured SNR within ${(100 * worstSnrError).toExponential(1)} % of the request |`,
      `| quick dataset: ${quick.count} micrographs + MRC/STAR/manifest | ${quickSet.toFixed(2)} s | ${truth} truth particles of ${placed} placed |`,
      `| one realistic micrograph (4096², 1 Å/px, in memory) | ${realOne.toFixed(2)} s | peak RSS of the process ${rssMB.toFixed(0)} MB |`,
      '',
      `Median of ${RUNS} runs after one warm-up, one thread.`,
    ].join('\n');
    return { title: 'Simulator (`cryopick simulate`)', command: 'node dist/bench/sim.js', markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('sim.js')) {
  run().then((s) => process.stdout.write(`## ${s.title}\n\n${s.markdown}\n`), (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exitCode = 1;
  });
}
