// Micrograph I/O benchmark: reading a 4096² float32 MRC and one section of a 4096²×40 uint16 stack
// (files generated in the OS temp folder and deleted afterwards); median of 7 runs after a warm-up.
import { mkdtemp, open, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchSection } from './run.js';
import { readMrc, readMrcSection, writeMrc } from '../src/io/mrc.js';
import { formatMrcHeader } from '../src/io/mrc-header.js';

const N = 4096;
const FRAMES = 40;
const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up (also fills the page cache)
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

/** Writes a uint16 stack section by section so the 1.3 GB file never sits in memory. */
async function writeUint16Stack(path: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.write(formatMrcHeader({ nx: N, ny: N, nz: FRAMES, mode: 6, mx: N, my: N, mz: 1, cellaX: N, cellaY: N, cellaZ: 1 }));
    const section = new Uint16Array(N * N);
    for (let z = 0; z < FRAMES; z++) {
      for (let i = 0; i < section.length; i++) section[i] = (i * 7 + z * 13) & 0xfff;
      await handle.write(new Uint8Array(section.buffer));
    }
  } finally {
    await handle.close();
  }
}

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-io-'));
  try {
    const floatPath = join(dir, 'micrograph.mrc');
    const data = new Float32Array(N * N);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001);
    await writeMrc(floatPath, { width: N, height: N, data, pixelSizeA: 1 });
    const stackPath = join(dir, 'movie.mrcs');
    await writeUint16Stack(stackPath);

    const floatBytes = N * N * 4;
    const sectionBytes = N * N * 2;
    const tFloat = await timeIt(() => readMrc(floatPath));
    const tRaw = await timeIt(() => readFile(floatPath));
    const tSection = await timeIt(() => readMrcSection(stackPath, FRAMES / 2));
    const tRawSection = await timeIt(async () => {
      const h = await open(stackPath, 'r');
      try {
        await h.read(new Uint8Array(sectionBytes), 0, sectionBytes, 1024 + (FRAMES / 2) * sectionBytes);
      } finally {
        await h.close();
      }
    });
    const mbps = (bytes: number, s: number): string => (bytes / 1e6 / s).toFixed(0);
    const rssMiB = (process.resourceUsage().maxRSS / 1024).toFixed(0);
    const rows = [
      '| task | bytes read | median time | MB/s | raw fs read of the same bytes | ratio raw/ours |',
      '|---|---:|---:|---:|---:|---:|',
      `| readMrc, 4096² float32 (mode 2) | ${floatBytes} | ${(tFloat * 1000).toFixed(1)} ms | ${mbps(floatBytes, tFloat)} | ${(tRaw * 1000).toFixed(1)} ms | ${(tRaw / tFloat).toFixed(2)} |`,
      `| readMrcSection, section 20 of 4096²×40 uint16 (mode 6, 1.34 GB file) | ${sectionBytes} | ${(tSection * 1000).toFixed(1)} ms | ${mbps(sectionBytes, tSection)} | ${(tRawSection * 1000).toFixed(1)} ms | ${(tRawSection / tSection).toFixed(2)} |`,
    ];
    const markdown = [
      ...rows,
      '',
      `Median of ${RUNS} runs after one warm-up; files in the OS temp folder, so reads come from a warm page cache`,
      '(this measures our decoding overhead over the raw read, not the disk). The section read uses one positioned',
      `read of ${sectionBytes} bytes; the rest of the stack is never touched. MB/s counts pixel bytes (10^6 bytes).`,
      `Peak RSS of the benchmark process: ${rssMiB} MiB.`,
    ].join('\n');
    return { title: 'Micrograph I/O (MRC read speed)', command: 'npm run bench -- io', markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
