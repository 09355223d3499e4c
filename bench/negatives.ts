// Do explicit negatives help the PU picker? The simulated realistic preset (bench/train.ts's data:
// 8 training micrographs with 50 % of the truth as picks, 12 test micrographs against the full
// truth), trained with the defaults twice: picks only, and picks plus known negatives (the junk,
// ice crystals, carbon film and aggregates a user marks, re-simulated from the same seeds) and two
// extra micrographs without particles marked empty. Same epoch-choice micrographs in both runs.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchSection } from './run.js';
import { SIM_PARAMS } from './train.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { readCoordinates, writeCoordinates } from '../src/io/coordinate-formats.js';
import { ORIGINAL_FRAME, type MicrographPicks, type Particle } from '../src/io/coords.js';
import { writeMrc } from '../src/io/mrc.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { detectionsOf, scoreImage, smoothScored } from '../src/pick/pick-image.js';
import { DEFAULT_SMOOTHING } from '../src/pick/smooth.js';
import { defaultThreshold } from '../src/pick/threshold.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import { trainPicker } from '../src/train/trainer.js';
import { splitMicrographs } from '../src/train/split.js';
import type { TrainParamsInput } from '../src/train/params.js';
import { PRESETS, micrographSeed, simulateMicrograph, type SimulationParams } from '../src/sim/index.js';

const SIM = process.env['CRYOPICK_BENCH_SIM'] ?? join(tmpdir(), 'cryopick-bench-sim-realistic');
const PARAMS: SimulationParams = { ...PRESETS.realistic.params, labelFraction: 0.5 };

interface Manifest { particleDiameterPx: number; count: number; seed: number; totals: { placed: number }; micrographs: { name: string; micrograph: string; truth: string; picks: string }[] }

/** What a user marks as non-particle on one simulated micrograph (original pixels). */
export function userNegatives(sim: ReturnType<typeof simulateMicrograph>, diameter: number): { particles: Particle[]; kinds: Record<string, number> } {
  const out: Particle[] = [];
  const kinds: Record<string, number> = { junk: 0, ice: 0, carbon: 0, aggregate: 0 };
  const { width, height } = sim.image;
  for (const c of sim.contaminants) {
    if (c.kind === 'junk') { out.push({ x: c.x, y: c.y }); kinds['junk']!++; }
    if (c.kind === 'ice-crystal') { out.push({ x: c.x, y: c.y }); kinds['ice']!++; }
    if (c.kind === 'carbon') {
      // points on the film every diameter, at least half a diameter beyond the hole's rim
      for (let y = diameter / 2; y < height; y += diameter) {
        for (let x = diameter / 2; x < width; x += diameter) {
          if (Math.hypot(x - c.holeX, y - c.holeY) > c.holeRadiusPx + diameter / 2) { out.push({ x, y }); kinds['carbon']!++; }
        }
      }
    }
  }
  for (const p of sim.particles) if (p.excluded === 'overlap') { out.push({ x: p.x, y: p.y }); kinds['aggregate']!++; }
  return { particles: out, kinds };
}

interface Quality { ap: number; bestF1: number; f1AtDefault: number; seconds: number; cpu: number; bestEpoch: number; modelPath: string }

/** Test AP, best F1 and F1 at pick's default threshold, scored as `cryopick pick` does by default. */
async function testQuality(modelPath: string, test: readonly string[], truth: readonly MicrographPicks[], d: number): Promise<Omit<Quality, 'seconds' | 'cpu' | 'bestEpoch' | 'modelPath'>> {
  const model = await loadScoreModel(modelPath);
  const preds: MicrographPicks[] = [];
  try {
    for (const path of test) {
      const scored = smoothScored(await scoreImage(await readMicrograph(path), model, { inference: 'dense', testTimeAugmentation: 'none' }), DEFAULT_SMOOTHING * d);
      const name = basename(path);
      preds.push({ micrograph: name, particles: detectionsOf(name, scored, { minDistancePx: 0.5 * d, floor: -12 }).particles, frame: ORIGINAL_FRAME, width: scored.width, height: scored.height });
    }
  } finally {
    await model.release?.();
  }
  const all = evaluatePicks(preds, truth, { diameterPx: d, radiusPx: 0.25 * d });
  const t = defaultThreshold('dense', DEFAULT_SMOOTHING > 0);
  const kept = preds.map((m) => ({ ...m, particles: m.particles.filter((p) => (p.score ?? -Infinity) >= t) }));
  const atDefault = evaluatePicks(kept, truth, { diameterPx: d, radiusPx: 0.25 * d }).overall;
  return { ap: all.overall.ap ?? 0, bestF1: all.overall.bestF1?.f1 ?? 0, f1AtDefault: atDefault.f1 };
}

async function trainAndTest(params: TrainParamsInput, test: readonly string[], truth: readonly MicrographPicks[], d: number, log: (s: string) => void): Promise<Quality> {
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const r = await trainPicker(params, { outDir: await mkdtemp(join(tmpdir(), 'cryopick-bench-neg-')), plots: false, onMessage: log });
  const seconds = (Date.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { ...(await testQuality(r.modelPath, test, truth, d)), seconds, cpu: (c.user + c.system) / 1e6, bestEpoch: r.bestEpoch, modelPath: r.modelPath };
}

export async function run(): Promise<BenchSection> {
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const load0 = os.loadavg()[0] ?? 0;
  if (!existsSync(join(SIM, 'manifest.json'))) {
    const { simulateDataset } = await import('../src/sim/index.js');
    await simulateDataset({ outDir: SIM, params: PARAMS, count: 20, seed: 11, preset: 'realistic', overwrite: true });
  }
  const manifest = JSON.parse(await readFile(join(SIM, 'manifest.json'), 'utf8')) as Manifest;
  const d = manifest.particleDiameterPx;
  const train = manifest.micrographs.slice(0, 8);
  const test = manifest.micrographs.slice(8, 20);
  const truth: MicrographPicks[] = [];
  for (const m of test) truth.push(...(await readCoordinates(join(SIM, m.truth))));
  // the same two micrographs choose the epoch in both runs (the default split of the picked ones)
  const held = splitMicrographs(train.map((m) => basename(m.micrograph)), 0.25, [], 0).test;
  // known negatives of the training micrographs, re-simulated from their seeds (the truth must agree)
  const dir = join(SIM, 'negatives');
  await mkdir(dir, { recursive: true });
  const negatives: MicrographPicks[] = [];
  const kinds: Record<string, number> = { junk: 0, ice: 0, carbon: 0, aggregate: 0 };
  for (const [i, m] of train.entries()) {
    const sim = simulateMicrograph(PARAMS, micrographSeed(manifest.seed, i));
    const stored = await readCoordinates(join(SIM, m.truth));
    if (stored[0]?.particles.length !== sim.truth.length) throw new Error(`re-simulated ${m.name} differs from the stored dataset`);
    const n = userNegatives(sim, d);
    for (const [k, v] of Object.entries(n.kinds)) kinds[k] = (kinds[k] ?? 0) + v;
    negatives.push({ micrograph: m.name, particles: n.particles, frame: ORIGINAL_FRAME });
  }
  const negFile = join(dir, 'negatives.star');
  await writeCoordinates(negFile, negatives, 'star', { overwrite: true });
  // two micrographs without particles (ice, carbon, junk only), as a user marks them empty in the viewer
  const empties: string[] = [];
  for (let k = 0; k < 2; k++) {
    const path = join(dir, `empty_${k}.mrc`);
    if (!existsSync(path)) {
      const sim = simulateMicrograph({ ...PARAMS, particlesPerMicrograph: 0, carbonProbability: 0.5 }, micrographSeed(manifest.seed + 1000, k));
      await writeMrc(path, sim.image, { pixelSizeA: PARAMS.pixelSizeA });
    }
    empties.push(path);
  }
  const base: TrainParamsInput = {
    ...SIM_PARAMS, micrographs: train.map((m) => join(SIM, m.micrograph)), picks: train.map((m) => join(SIM, m.picks)),
    testMicrographs: [...held], particleDiameter: d, expectedParticles: Math.round(manifest.totals.placed / manifest.count),
  };
  const testPaths = test.map((m) => join(SIM, m.micrograph));
  log('negatives bench: picks only');
  const plain = await trainAndTest(base, testPaths, truth, d, log);
  // kept for the particle-crop benchmark (classifier-crops), which filters this picker's detections
  await copyFile(plain.modelPath, join(dir, 'picker-plain.onnx'));
  log('negatives bench: picks + negatives + empty micrographs');
  const withNeg = await trainAndTest({ ...base, micrographs: [...(base.micrographs as string[]), ...empties], negatives: [negFile], emptyMicrographs: empties }, testPaths, truth, d, log);
  const row = (name: string, q: Quality): string => `| ${name} | ${q.ap.toFixed(3)} | ${q.bestF1.toFixed(3)} | ${q.f1AtDefault.toFixed(3)} | ${q.bestEpoch} | ${q.seconds.toFixed(0)} s (CPU ${q.cpu.toFixed(0)} s) |`;
  const total = Object.values(kinds).reduce((a, v) => a + v, 0);
  const markdown = [
    'Simulated realistic preset (4096², 1 Å/px, seed 11): 8 training micrographs with 50 % of the truth as picks (2 of them choose the epoch, the same in both runs), ' +
    '12 test micrographs scored against the full truth (matching radius 0.25 × diameter; NMS 0.5 × diameter; ranked as `cryopick pick` does by default; ' +
    `F1 at its default threshold ${defaultThreshold('dense', DEFAULT_SMOOTHING > 0)}). Training defaults with ds 8, crops 160² (GE-binomial, the PU objective).`,
    `Known negatives (\`--negatives\`, re-simulated from the training micrographs' seeds): ${total} points — ${kinds['junk']} junk, ${kinds['ice']} ice crystals, ` +
    `${kinds['carbon']} on carbon film (every diameter, ≥ ½ diameter beyond the rim), ${kinds['aggregate']} particles in aggregates or overlapping; ` +
    'plus 2 simulated micrographs without particles (`--empty-micrographs`). Negative disks of the labelling radius; γ = 1.', '',
    '| training labels | test AP | best F1 | F1 at default threshold | best epoch | train wall time |', '|---|---|---|---|---|---|',
    row('picks only', plain), row('picks + negatives + 2 empty micrographs', withNeg), '',
    `Ratio with / without (same run): AP ${(withNeg.ap / Math.max(plain.ap, 1e-9)).toFixed(3)}, best F1 ${(withNeg.bestF1 / Math.max(plain.bestF1, 1e-9)).toFixed(3)}. ` +
    `One training each (seed 0); the machine's load average was ${load0.toFixed(1)} at the start and ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end on ${os.cpus().length} cores (wall times scale with it; CPU seconds do not).`,
  ].join('\n');
  return { title: 'Known negatives for the PU picker (simulated realistic preset)', command: 'npm run bench -- negatives', markdown };
}
