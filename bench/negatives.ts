// Do explicit negatives help the PU picker? The simulated realistic preset (bench/train.ts's data:
// 8 training micrographs + 2 with ice crystals and carbon film, 50 % of the truth as picks; 12 test
// micrographs against the full truth), trained with the defaults over several seeds: picks only, and
// picks plus known negatives (the junk, ice crystals, carbon film and aggregates a user marks,
// re-simulated from the same seeds) and two micrographs without particles marked empty.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
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
/** Training seeds per arm (CRYOPICK_BENCH_SEEDS, default 3); two trainings run at a time, one thread each. */
const SEEDS = Number(process.env['CRYOPICK_BENCH_SEEDS'] ?? 3);
/** Extra training micrographs with particles on which the simulator places ice crystals and carbon film. */
/** Training epochs (CRYOPICK_BENCH_EPOCHS; default the training default, 10 × 40 updates). */
const EPOCHS = Number(process.env['CRYOPICK_BENCH_EPOCHS'] ?? 10);
const ICE_CARBON: Partial<SimulationParams> = { carbonProbability: 1, iceCrystalsPerMicrograph: 2 };

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
  const model = await loadScoreModel(modelPath, { threads: 1 });
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

/** Mean and sample standard deviation. */
function meanSd(v: readonly number[]): string {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
}

/** Known negatives of one simulated micrograph, counted by kind into `kinds`. */
function negativesOf(sim: ReturnType<typeof simulateMicrograph>, name: string, d: number, kinds: Record<string, number>): MicrographPicks {
  const n = userNegatives(sim, d);
  for (const [k, v] of Object.entries(n.kinds)) kinds[k] = (kinds[k] ?? 0) + v;
  return { micrograph: name, particles: n.particles, frame: ORIGINAL_FRAME };
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
  // the same two micrographs choose the epoch in every run (the default split of the 8 picked ones)
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
    negatives.push(negativesOf(sim, m.name, d, kinds));
  }
  // two more training micrographs with particles (50 % picked), ice crystals and carbon film: the 8 hold none
  const extra: string[] = [];
  const extraPicks: string[] = [];
  for (let k = 0; k < 2; k++) {
    const name = `icecarbon_${k}`;
    const sim = simulateMicrograph({ ...PARAMS, ...ICE_CARBON }, micrographSeed(manifest.seed + 2000, k));
    const path = join(dir, `${name}.mrc`);
    if (!existsSync(path)) await writeMrc(path, sim.image, { pixelSizeA: PARAMS.pixelSizeA });
    const picks = join(dir, `${name}_picks.star`);
    await writeCoordinates(picks, [{ micrograph: name, particles: sim.userPicks, frame: ORIGINAL_FRAME }], 'star', { overwrite: true });
    extra.push(path);
    extraPicks.push(picks);
    negatives.push(negativesOf(sim, name, d, kinds));
  }
  const negFile = join(dir, 'negatives-ice-carbon.star');
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
    ...SIM_PARAMS, threads: 1, epochs: EPOCHS, micrographs: [...train.map((m) => join(SIM, m.micrograph)), ...extra], picks: [...train.map((m) => join(SIM, m.picks)), ...extraPicks],
    testMicrographs: [...held], particleDiameter: d, expectedParticles: Math.round(manifest.totals.placed / manifest.count),
  };
  const testPaths = test.map((m) => join(SIM, m.micrograph));
  const plain: Quality[] = [];
  const withNeg: Quality[] = [];
  // each seed's pair is kept in a results file as it finishes, so an interrupted run continues where it stopped
  const doneFile = join(dir, 'seed-results.jsonl');
  const done = new Map<number, [Quality, Quality]>();
  const identity = JSON.stringify({ base, negatives: negatives.map((m) => m.particles.length), empties });
  if (existsSync(doneFile)) {
    for (const line of (await readFile(doneFile, 'utf8')).split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { identity: string; seed: number; plain: Quality; withNeg: Quality };
      if (r.identity === identity) done.set(r.seed, [r.plain, r.withNeg]);
    }
  }
  // CRYOPICK_BENCH_SEED_LIST=1 trains only seed 1 and stops (several processes can share the seeds); a later run reports all
  const only = process.env['CRYOPICK_BENCH_SEED_LIST']?.split(',').map(Number);
  for (let seed = 0; seed < SEEDS; seed++) {
    if (only && !only.includes(seed)) continue;
    log(`negatives bench: seed ${seed}, picks only and picks + negatives + empty micrographs`);
    const [a, b] = done.get(seed) ?? await Promise.all([
      trainAndTest({ ...base, seed }, testPaths, truth, d, log),
      trainAndTest({ ...base, seed, micrographs: [...(base.micrographs as string[]), ...empties], negatives: [negFile], emptyMicrographs: empties }, testPaths, truth, d, log),
    ]);
    if (!done.has(seed)) await appendFile(doneFile, `${JSON.stringify({ identity, seed, plain: a, withNeg: b })}\n`);
    log(`negatives bench: seed ${seed}: AP ${a.ap.toFixed(3)} without, ${b.ap.toFixed(3)} with negatives`);
    plain.push(a);
    withNeg.push(b);
  }
  if (only) throw new Error(`seeds ${only.join(', ')} done (${doneFile}); run the bench without CRYOPICK_BENCH_SEED_LIST to report every seed`);
  const row = (name: string, seed: number, q: Quality): string => `| ${name} | ${seed} | ${q.ap.toFixed(3)} | ${q.bestF1.toFixed(3)} | ${q.f1AtDefault.toFixed(3)} | ${q.bestEpoch} | ${q.seconds.toFixed(0)} s (CPU ${q.cpu.toFixed(0)} s) |`;
  const summary = (name: string, qs: readonly Quality[]): string => `| ${name} | ${meanSd(qs.map((q) => q.ap))} | ${meanSd(qs.map((q) => q.bestF1))} | ${meanSd(qs.map((q) => q.f1AtDefault))} |`;
  const dAp = plain.map((p, i) => (withNeg[i] as Quality).ap - p.ap);
  const dF1 = plain.map((p, i) => (withNeg[i] as Quality).bestF1 - p.bestF1);
  const total = Object.values(kinds).reduce((a, v) => a + v, 0);
  const markdown = [
    'Simulated realistic preset (4096², 1 Å/px, seed 11): 8 training micrographs + 2 more simulated with ice crystals and carbon film (the 8 hold none), 50 % of the truth as picks ' +
    '(2 of the 8 choose the epoch, the same in every run); 12 test micrographs scored against the full truth (matching radius 0.25 × diameter; NMS 0.5 × diameter; ranked as `cryopick pick` does by default; ' +
    `F1 at its default threshold ${defaultThreshold('dense', DEFAULT_SMOOTHING > 0)}). Training defaults with ds 8, crops 160² (GE-binomial, the PU objective) but ${EPOCHS} epochs of 40 updates (lr 1e-3 decaying to 1e-4 over them; the default is 10), one thread each, seeds 0–${SEEDS - 1} (initialisation and crop sampling).`,
    `Known negatives (\`--negatives\`, re-simulated from the training micrographs' seeds): ${total} points — ${kinds['junk']} junk, ${kinds['ice']} ice crystals, ` +
    `${kinds['carbon']} on carbon film (every diameter, ≥ ½ diameter beyond the rim), ${kinds['aggregate']} particles in aggregates or overlapping; ` +
    'plus 2 simulated micrographs without particles (`--empty-micrographs`). Negative disks of the labelling radius; γ = 1.', '',
    '| training labels | seed | test AP | best F1 | F1 at default threshold | best epoch | train wall time |', '|---|---|---|---|---|---|---|',
    ...plain.map((q, i) => row('picks only', i, q)), ...withNeg.map((q, i) => row('picks + negatives + 2 empty micrographs', i, q)), '',
    `Mean ± standard deviation over the ${SEEDS} seeds:`, '',
    '| training labels | test AP | best F1 | F1 at default threshold |', '|---|---|---|---|',
    summary('picks only', plain), summary('picks + negatives + 2 empty micrographs', withNeg), '',
    `Paired difference (with − without, same seed): AP ${meanSd(dAp)} (per seed ${dAp.map((x) => x.toFixed(3)).join(', ')}), ` +
    `best F1 ${meanSd(dF1)} (per seed ${dF1.map((x) => x.toFixed(3)).join(', ')}). ` +
    `Load average ${load0.toFixed(1)} at the start and ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end on ${os.cpus().length} cores (wall times scale with it; CPU seconds do not).`,
  ].join('\n');
  return { title: 'Known negatives for the PU picker (simulated realistic preset)', command: 'npm run bench -- negatives', markdown };
}
