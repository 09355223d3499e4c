// Classifier ETL on about 1 GB of signal CSV (4 classes, 600-sample reads, generated into a temp
// folder and deleted afterwards): throughput and peak memory of `prepareSignalDataset`, run in a
// child process so its peak RSS is its own. Both streaming passes are included in the time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { writeSyntheticSignals } from '../src/classifier/synthetic-signals.js';

const TARGET_BYTES = 1e9;

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-bench-etl-'));
  try {
    const t0 = performance.now();
    // ~3.3 KB per 600-sample read → about 75 000 reads per class for 1 GB
    const perClass = Math.round(TARGET_BYTES / 4 / 3300);
    writeSyntheticSignals(join(dir, 'csv'), { classes: 4, perClass, length: 600, motifLength: 40, maxSpeedChange: 0.2, noise: 0.5, seed: 11 });
    const genS = (performance.now() - t0) / 1000;
    const bytes = readdirSync(join(dir, 'csv')).reduce((a, f) => a + statSync(join(dir, 'csv', f)).size, 0);
    const child = `
      const { parseClassifierConfig } = await import(${JSON.stringify(new URL('../src/classifier/config-load.js', import.meta.url).href)});
      const { prepareSignalDataset } = await import(${JSON.stringify(new URL('../src/classifier/etl.js', import.meta.url).href)});
      const c = parseClassifierConfig({ etl_params: { caps_data_dir: ${JSON.stringify(join(dir, 'csv'))}, examples_per_class: null },
        shared_params: { output_dir: ${JSON.stringify(join(dir, 'out'))}, target_length: 500, dtype: 'float16' } });
      const cpu0 = process.cpuUsage(); const t0 = performance.now();
      const r = await prepareSignalDataset(c);
      const wall = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0);
      console.log(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1e6, maxRss: process.resourceUsage().maxRSS * 1024, counts: r.manifest.counts }));`;
    const load0 = loadavg()[0] ?? 0;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const load1 = loadavg()[0] ?? 0;
    const m = JSON.parse(out.trim().split('\n').at(-1) as string) as { wall: number; cpu: number; maxRss: number; counts: { train: number[]; val: number[]; test: number[] } };
    const datasetBytes = readdirSync(join(dir, 'out', 'dataset')).reduce((a, v) => a + readdirSync(join(dir, 'out', 'dataset', v)).reduce((b, f) => b + statSync(join(dir, 'out', 'dataset', v, f)).size, 0), 0);
    const mb = bytes / 1e6;
    return {
      title: 'Classifier ETL: 1 GB of signal CSV',
      command: 'npm run bench -- classifier-etl',
      markdown: [
        `Input: ${mb.toFixed(0)} MB in 4 per-class CSV files (${perClass} reads of ~600 samples each per class, generated in ${genS.toFixed(0)} s by src/classifier/synthetic-signals.ts, deleted afterwards).`,
        'ETL: examples_per_class null, target_length 500, float16 storage; pass 1 hashes the bytes and reads every row\'s class, pass 2 parses and writes the chosen rows.',
        '',
        '| measure | value |',
        '| --- | --- |',
        `| wall time (both passes) | ${m.wall.toFixed(1)} s |`,
        `| CPU time | ${m.cpu.toFixed(1)} s |`,
        `| throughput (input bytes / wall time) | ${(mb / m.wall).toFixed(1)} MB/s |`,
        `| peak RSS of the ETL process | ${(m.maxRss / 2 ** 20).toFixed(0)} MiB (${((100 * m.maxRss) / bytes).toFixed(1)} % of the input) |`,
        `| dataset written | ${(datasetBytes / 1e6).toFixed(0)} MB (train ${m.counts.train[0]}, validation ${m.counts.val[0]}, test ${m.counts.test[0]} per class) |`,
        `| load average (1 min) before / after | ${load0.toFixed(1)} / ${load1.toFixed(1)} |`,
      ].join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
