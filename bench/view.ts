// Viewer benchmark: opening a 4096² float32 MRC in `cryopick view`, i.e. the HTTP request for its
// display image (binned ×4 while read in one pass, percentile contrast, PNG) with a cold cache, the
// same with the whole file read first (the earlier path, for the ratio), a lowpass change (cached
// base image) and a thumbnail; medians of 7 runs, wall and CPU time, load before and after.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchSection } from './run.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { writeMrc } from '../src/io/mrc.js';
import { DisplayImages } from '../src/web/display-images.js';
import { startViewServer } from '../src/web/server.js';
import { ViewSession } from '../src/web/view-session.js';

const N = 4096;
const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Median wall and CPU seconds of `fn` (a fresh `setup` before each run, not timed). */
async function timeIt(setup: () => void, fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  setup();
  await fn(); // warm-up (page cache, JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    setup();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-view-'));
  try {
    const path = join(dir, 'micrograph.mrc');
    const data = new Float32Array(N * N);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001) + Math.sin(i * 0.37);
    await writeMrc(path, { width: N, height: N, data, pixelSizeA: 1 });
    const load = loadavg()[0] ?? 0;
    const session = new ViewSession({ micrographs: [{ name: 'micrograph.mrc', key: 'micrograph', path }], picks: new Map(), threshold: 0, title: 'bench' });
    let images = new DisplayImages();
    const context = { session, get images() { return images; }, save: { formats: ['star' as const] } };
    const viewer = await startViewServer(context);
    const get = async (p: string): Promise<void> => {
      const r = await fetch(`http://127.0.0.1:${viewer.port}${p}`);
      if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
      await r.arrayBuffer();
    };
    try {
      const fresh = (): void => { images = new DisplayImages(); };
      const open = await timeIt(fresh, () => get('/api/micrographs/0/image'));
      const whole = await timeIt(() => { images = new DisplayImages({ readImage: (p) => readMicrograph(p) }); }, () => get('/api/micrographs/0/image'));
      let lowpass = 4;
      const relowpass = await timeIt(() => { lowpass += 1; }, () => get(`/api/micrographs/0/image?lowpass=${lowpass}`));
      const thumb = await timeIt(fresh, () => get('/api/micrographs/0/thumb'));
      const rows = [
        ['open: display image of a new 4096² MRC (cold cache)', open],
        ['open, reading the whole file first (earlier path, for comparison)', whole],
        ['lowpass changed (base image cached)', relowpass],
        ['thumbnail of a new 4096² MRC (cold cache)', thumb],
      ] as const;
      const loadAfter = loadavg()[0] ?? 0;
      return {
        title: 'Viewer: opening a 4096² micrograph',
        command: 'npm run bench -- view',
        markdown: [
          `4096² float32 MRC (64 MiB), display images 1024², HTTP on 127.0.0.1, medians of ${RUNS} runs after a warm-up; load average ${load.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end (2 cores; CPU time is this process's user + system time, the file-system reads included).`,
          '', '| request | wall (s) | CPU (s) |', '| --- | --- | --- |',
          ...rows.map(([name, t]) => `| ${name} | ${t.wall.toFixed(3)} | ${t.cpu.toFixed(3)} |`),
          '', `Streamed open vs whole-file open, same run: ${(whole.wall / open.wall).toFixed(1)}× less wall time, ${(whole.cpu / open.cpu).toFixed(1)}× less CPU.`,
          '', `Target: a 4096² MRC opens in under 1 s — ${open.wall < 1 ? 'met' : 'NOT met'} (${open.wall.toFixed(2)} s wall).`,
        ].join('\n'),
      };
    } finally {
      await viewer.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
