// Engine benchmark: Topaz ResNet8 (units 32, BN, PReLU) fused train step on 256×71² patches,
// forward alone and the ratio, a dense train step on 16×128² crops, and filled-net inference
// GFLOP/s on 512². Each case runs in its own child process so its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, compileForward, compileTrainStep, convFlops, mul, reduceMean, reshape, softplus, sub } from '../src/engine/index.js';
import { Random } from '../src/random.js';
import type { Var } from '../src/engine/index.js';
import { PickerModel, defaultConfig } from '../src/models/index.js';

interface BenchSection { title: string; command: string; markdown: string }
interface CaseResult { name: string; medianS: number[]; cpuS?: number; gflop: number; peakRssMB: number; threads: number; notes: string }

const RUNS = 5;
const WARMUP = 2;
const cfg = defaultConfig('resnet8', { units: 32, batchNorm: true, activation: 'prelu' });

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] as number;
}

let lastCpuS = 0;
async function timeIt(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const t: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
  }
  const c = process.cpuUsage(c0);
  lastCpuS = (c.user + c.system) / 1e6 / RUNS;
  return t;
}

function randn(n: number, rng: Random): Float32Array {
  return new Float32Array(n).map(() => rng.normal());
}

/** Builds the BCE loss graph; returns the builder pieces. */
function lossGraph(n: number, size: number, fill: boolean): { b: GraphBuilder; loss: Var; flops: number; labels: number } {
  const model = PickerModel.create(cfg, 0);
  const b = new GraphBuilder();
  const x = b.input('x', [n, 1, size, size]);
  const logits = model.forward(x, { mode: 'train', fill });
  const flops = convFlops(b);
  const z = reshape(logits, [-1]);
  const y = b.input('y', z.shape);
  return { b, loss: reduceMean(sub(softplus(z), mul(y, z))), flops, labels: z.size };
}

async function runCase(name: string): Promise<CaseResult> {
  const rng = new Random(1);
  const threads = 2;
  if (name === 'patch-train' || name === 'dense-train' || name === 'patch-forward') {
    const dense = name === 'dense-train';
    const n = dense ? 16 : 256;
    const size = dense ? 128 : 71;
    const model = PickerModel.create(cfg, 0);
    const { b, loss, flops, labels } = lossGraph(n, size, dense);
    const feeds = { x: randn(n * size * size, rng), y: new Float32Array(labels).map((_, i) => (i % 7 === 0 ? 1 : 0)) };
    if (name === 'patch-forward') {
      const f = await compileForward(b, { loss }, model.store, { threads });
      return { name, medianS: await timeIt(() => f.run(feeds)), gflop: flops / 1e9, peakRssMB: 0, threads, notes: 'train-mode BN + loss, no backward' };
    }
    const step = await compileTrainStep(loss, model.store, { optimizer: { kind: 'adam' }, runtime: { threads } });
    return { name, medianS: await timeIt(() => step.run(feeds, 2e-4)), gflop: flops / 1e9, peakRssMB: 0, threads, notes: dense ? `${labels / n} logits per crop (filled net)` : 'one logit per patch' };
  }
  // inference: filled net on a 512² image (input padded by rf-1 = 70 px)
  const model = PickerModel.create(cfg, 0);
  const b = new GraphBuilder();
  const size = 512 + model.receptiveField - 1;
  const logits = model.forward(b.input('image', [1, 1, size, size]), { mode: 'eval', fill: true });
  const f = await compileForward(b, { logits }, model.store, { threads });
  const img = randn(size * size, rng);
  return { name, medianS: await timeIt(() => f.run({ image: img })), gflop: convFlops(b) / 1e9, peakRssMB: 0, threads, notes: '512² logits' };
}

const CASES = ['patch-train', 'patch-forward', 'dense-train', 'infer-512'] as const;

export async function run(): Promise<BenchSection> {
  const self = fileURLToPath(import.meta.url);
  const load0 = loadavg()[0] as number;
  const results: CaseResult[] = CASES.map((c) => JSON.parse(execFileSync(process.execPath, [self, '--case', c], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop() as string) as CaseResult);
  const get = (n: string): CaseResult => results.find((r) => r.name === n) as CaseResult;
  const fmt = (s: number): string => `${(s * 1000).toFixed(0)} ms`;
  const rows = results.map((r) => {
    const med = median(r.medianS);
    const gfs = r.name === 'infer-512' || r.name === 'patch-forward' ? r.gflop / med : (3 * r.gflop) / med;
    const idle = (r.cpuS ?? 0) / r.threads;
    const idleGfs = idle > 0 ? (gfs * med) / idle : 0;
    return `| ${r.name} | ${fmt(med)} | ${fmt(Math.min(...r.medianS))}–${fmt(Math.max(...r.medianS))} | ${(r.cpuS ?? 0).toFixed(2)} s | ${fmt(idle)} | ${r.gflop.toFixed(1)} | ${gfs.toFixed(0)} | ${idleGfs.toFixed(0)} | ${r.peakRssMB.toFixed(0)} MB | ${r.notes} |`;
  });
  const ratio = median(get('patch-train').medianS) / median(get('patch-forward').medianS);
  const markdown = [
    `Topaz ResNet8 (units 32, BN, PReLU), ${cfg.arch}, CPU provider, 2 threads; median of ${RUNS} runs after ${WARMUP} warm-up runs, each case in its own process.`,
    '',
    '| case | median wall | range | CPU time per run | CPU time / threads | fwd GFLOP | GFLOP/s wall (train: 3× fwd) | GFLOP/s at CPU time / threads | peak RSS | notes |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Train/forward ratio (256×71²): **${ratio.toFixed(2)}** (target ≤ 4). Targets: train step ≤ 0.8 s; filled inference ≥ 90 GFLOP/s.`,
    `1-minute load average at start / end: ${load0.toFixed(1)} / ${(loadavg()[0] as number).toFixed(1)} with ${availableParallelism()} cores; when it is far above the core count, wall times are inflated by other processes and only the ratio and the CPU-time columns are meaningful ("CPU time / threads" estimates the wall time on an idle machine; ORT's spinning threads make it an upper bound).`,
  ].join('\n');
  return { title: 'Training engine (ResNet8 on ONNX Runtime CPU)', command: 'npm run bench -- engine', markdown };
}

if (process.argv[2] === '--case') {
  const r = await runCase(process.argv[3] as string);
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...r, peakRssMB, cpuS: lastCpuS })}\n`);
}
