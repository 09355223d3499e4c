// Fixed cost of every `cryopick` process: `--version`, `--help` and a one-micrograph pick (start,
// imports, model load, one small micrograph), as medians of CPU and wall time. With
// CRYOPICK_BENCH_STARTUP_BASELINE=<another build's dist/src/cli/bin.js> the same commands of that
// build run interleaved with this one's, so the before/after ratios come from one run.
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchSection } from './run.js';
import { medianTimed, timedCommand, type Timed } from './_timed-command.js';
import { PickerModel } from '../src/models/picker-model.js';
import { defaultConfig } from '../src/models/topaz/spec.js';
import { writeMrc } from '../src/io/mrc.js';
import { makeImage } from '../src/image/image.js';

const REPEATS = Number(process.env['CRYOPICK_BENCH_STARTUP_REPEATS'] ?? 7);
const SIZE = 1024;
const BIN = resolve('dist', 'src', 'cli', 'bin.js');
const BASELINE = process.env['CRYOPICK_BENCH_STARTUP_BASELINE'];

const q = (s: string): string => `'${s}'`;

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-startup-'));
  const loadBefore = os.loadavg();
  try {
    const preprocess = { downsample: { kind: 'factor', factor: 8, method: 'fourier' }, normalize: { kind: 'gmm' } };
    await PickerModel.create(defaultConfig('resnet8'), 7).exportOnnx(join(dir, 'model.onnx'), { input: { preprocess, particleDiameter: 200 } });
    const data = new Float32Array(SIZE * SIZE).map((_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
    await writeMrc(join(dir, 'mic.mrc'), makeImage(SIZE, SIZE, data, 1.0));
    const builds = [...(BASELINE === undefined ? [] : [{ name: 'baseline', bin: resolve(BASELINE) }]), { name: 'this build', bin: BIN }];
    const commands = [
      { name: '`cryopick --version`', args: '--version' },
      { name: '`cryopick --help`', args: '--help' },
      { name: `\`cryopick pick\` of one ${SIZE}² micrograph (--threads 1)`, args: `pick ${q(join(dir, 'mic.mrc'))} --model ${q(join(dir, 'model.onnx'))} --threads 1 --overwrite --out ${q(join(dir, 'run'))}` },
    ];
    const times = new Map<string, Timed[]>();
    // interleaved, so both builds see the same load
    for (let r = 0; r < REPEATS + 1; r++) {
      for (const c of commands) {
        for (const b of builds) {
          const t = timedCommand(`${q(process.execPath)} ${q(b.bin)} ${c.args}`, join(dir, 'stderr.log'));
          if (r > 0) times.set(`${b.name} ${c.name}`, [...(times.get(`${b.name} ${c.name}`) ?? []), t]); // run 0 warms the page cache
        }
      }
    }
    const loadAfter = os.loadavg();
    const cell = (t: Timed): string => `${t.cpu.toFixed(2)} | ${t.wall.toFixed(2)}`;
    const rows = commands.map((c) => {
      const now = medianTimed(times.get(`this build ${c.name}`) ?? []);
      if (BASELINE === undefined) return `| ${c.name} | ${cell(now)} |`;
      const before = medianTimed(times.get(`baseline ${c.name}`) ?? []);
      return `| ${c.name} | ${cell(before)} | ${cell(now)} | ${(before.cpu - now.cpu).toFixed(2)} (${(100 * (1 - now.cpu / before.cpu)).toFixed(0)} %) |`;
    });
    const head = BASELINE === undefined
      ? '| command | CPU (s) | wall (s) |\n| --- | --- | --- |'
      : '| command | before: CPU (s) | before: wall (s) | now: CPU (s) | now: wall (s) | CPU saved per process |\n| --- | --- | --- | --- | --- | --- |';
    const markdown = `
Each command is a fresh process; CPU is user + sys. Medians of ${REPEATS} runs after one warm-up run${BASELINE === undefined ? '' : ', the two builds interleaved'}.
The pick uses a ResNet8 model (×8 Fourier downsampling, GMM normalisation) on one ${SIZE}² float32 MRC, so it is mostly the fixed cost
every pick process (and every SLURM shard task) pays: start, imports, model load.
Load average (1, 5, 15 min) before: ${loadBefore.map((l) => l.toFixed(1)).join(', ')}; after: ${loadAfter.map((l) => l.toFixed(1)).join(', ')}.

${head}
${rows.join('\n')}
`;
    return { title: 'Start-up: the fixed cost of a cryopick process', command: `${BASELINE === undefined ? '' : 'CRYOPICK_BENCH_STARTUP_BASELINE=<baseline build>/dist/src/cli/bin.js '}npm run bench -- startup`, markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
