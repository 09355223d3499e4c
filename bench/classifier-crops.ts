// The particle-crop classifier on simulated picks that include junk, carbon and aggregates
// (simulated realistic preset, bench/train.ts's data): candidate picks = the truth ("particle") and
// what a picker also finds there ("junk": junk objects, ice crystals, points on carbon film,
// overlapping / aggregated particles), re-simulated from the dataset's seeds. DeepPicker is trained
// on the 8 training micrographs (plus its sampled background windows), then scored on the 12 test
// micrographs (candidates of 4 of them): junk recall and particle precision; and the picker's test AP (all 12) with and without
// `pick --classifier M --keep particle`.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchSection } from './run.js';
import { SIM_PARAMS } from './train.js';
import { userNegatives } from './negatives.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { readCoordinates } from '../src/io/coordinate-formats.js';
import { ORIGINAL_FRAME, micrographKey, type MicrographPicks } from '../src/io/coords.js';
import { loadScoreModel } from '../src/pick/score-model.js';
import { detectionsOf, scoreImage, smoothScored } from '../src/pick/pick-image.js';
import type { MicrographDetections } from '../src/pick/detections.js';
import { DEFAULT_SMOOTHING } from '../src/pick/smooth.js';
import { evaluatePicks } from '../src/eval/evaluate.js';
import { trainPicker } from '../src/train/trainer.js';
import { splitMicrographs } from '../src/train/split.js';
import { parseClassifierConfig } from '../src/classifier/config-load.js';
import { runClassifierPipelineWith } from '../src/classifier/pipeline.js';
import { classifyCrops } from '../src/classifier/classify-crops.js';
import { labelledPicks } from '../src/classifier/crop-etl.js';
import { createPickFilter } from '../src/classifier/pick-filter.js';
import { PRESETS, micrographSeed, simulateMicrograph } from '../src/sim/index.js';

const SIM = process.env['CRYOPICK_BENCH_SIM'] ?? join(tmpdir(), 'cryopick-bench-sim-realistic');
const PARAMS = { ...PRESETS.realistic.params, labelFraction: 0.5 };

interface Manifest { particleDiameterPx: number; count: number; seed: number; totals: { placed: number }; micrographs: { name: string; micrograph: string; truth: string; picks: string }[] }

/**
 * A STAR file of labelled candidate picks (class column `pickClass`) for micrographs [from, to):
 * the stored truth, and the user negatives of `known` (the negatives bench's file) or re-simulated.
 */
async function candidates(m: Manifest, from: number, to: number, path: string, known?: readonly MicrographPicks[]): Promise<Record<string, number>> {
  const rows: string[] = [];
  const counts: Record<string, number> = { particle: 0, junk: 0 };
  for (let i = from; i < to; i++) {
    const e = m.micrographs[i] as Manifest['micrographs'][number];
    const truth = (await readCoordinates(join(SIM, e.truth)))[0]?.particles ?? [];
    let junk = known?.find((k) => micrographKey(k.micrograph) === micrographKey(e.name))?.particles;
    if (!junk) {
      const sim = simulateMicrograph(PARAMS, micrographSeed(m.seed, i));
      if (truth.length !== sim.truth.length) throw new Error(`re-simulated ${e.name} differs from the stored dataset`);
      junk = userNegatives(sim, m.particleDiameterPx).particles;
    }
    for (const p of truth) { rows.push(`${e.name}.mrc ${p.x.toFixed(1)} ${p.y.toFixed(1)} particle`); counts['particle']!++; }
    for (const p of junk) { rows.push(`${e.name}.mrc ${p.x.toFixed(1)} ${p.y.toFixed(1)} junk`); counts['junk']!++; }
  }
  await writeFile(path, `data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_pickClass #4\n${rows.join('\n')}\n`);
  return counts;
}

/** The picker's detections on the test micrographs as `cryopick pick` finds them by default. */
async function detect(modelPath: string, paths: readonly string[], d: number): Promise<{ det: MicrographDetections; path: string }[]> {
  const model = await loadScoreModel(modelPath);
  const out: { det: MicrographDetections; path: string }[] = [];
  try {
    for (const path of paths) {
      const scored = smoothScored(await scoreImage(await readMicrograph(path), model, { inference: 'dense', testTimeAugmentation: 'none' }), DEFAULT_SMOOTHING * d);
      out.push({ det: detectionsOf(basename(path), scored, { minDistancePx: 0.5 * d, floor: -12 }), path });
    }
  } finally {
    await model.release?.();
  }
  return out;
}

function quality(dets: readonly MicrographDetections[], truth: readonly MicrographPicks[], d: number): { ap: number; bestF1: number } {
  const preds = dets.map((x) => ({ micrograph: x.micrograph, particles: x.particles, frame: ORIGINAL_FRAME, width: x.width, height: x.height }));
  const r = evaluatePicks(preds, truth, { diameterPx: d, radiusPx: 0.25 * d }).overall;
  return { ap: r.ap ?? 0, bestF1: r.bestF1?.f1 ?? 0 };
}

export async function run(): Promise<BenchSection> {
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const load0 = os.loadavg()[0] ?? 0;
  const manifest = JSON.parse(await readFile(join(SIM, 'manifest.json'), 'utf8')) as Manifest;
  const d = manifest.particleDiameterPx;
  const dir = join(SIM, 'crops');
  await mkdir(dir, { recursive: true });
  const trainStar = join(dir, 'train-candidates.star');
  const testStar = join(dir, 'test-candidates.star');
  // training candidates from the negatives bench's re-simulated negatives when present; test candidates re-simulated (4 micrographs: 6 s each unloaded)
  const knownFile = join(SIM, 'negatives', 'negatives.star');
  const known = existsSync(knownFile) ? await readCoordinates(knownFile) : undefined;
  const trainCounts = await candidates(manifest, 0, 8, trainStar, known);
  const testCounts = await candidates(manifest, 8, 12, testStar);
  const train = manifest.micrographs.slice(0, 8);
  const test = manifest.micrographs.slice(8, 20);
  // the classifier: DeepPicker on 48² crops at ds 8 (a 384-px window, 1.6 diameters), with its background windows
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const config = parseClassifierConfig({
    etl_params: { caps_data_dir: null, examples_per_class: null, seed: 1, particles: {
      micrographs: train.map((m) => join(SIM, m.micrograph)), coordinates: [trainStar], class_column: 'pickClass', box_size: 48, downsample: 8,
      negatives: { class: 'background', per_micrograph: 60, min_distance: 0.6 },
    } },
    tune_params: { tuning_strategy: 'none' }, train_params: { max_epochs_final_model: 30, patience: 6 },
    shared_params: { num_classes: 3, model_type: 'deeppicker', batch_size: 32, output_dir: await mkdtemp(join(tmpdir(), 'cryopick-bench-crops-')), threads: 2,
      train_test_fraction: 0.9, train_val_fraction: 0.8, use_augmentation: false, dtype: 'float32' },
    lr_scheduler_params: { type: 'reduce_lr_on_plateau' },
  });
  const cls = await runClassifierPipelineWith(config, { log });
  const cu = process.cpuUsage(c0);
  const trainSeconds = (Date.now() - t0) / 1000;
  // 1. the candidate picks of the test micrographs, classified
  const rows = await labelledPicks(testStar, 'pickClass', undefined);
  const truthOf = new Map<string, string[]>();
  const byMic = new Map<string, { x: number; y: number }[]>();
  for (const r of rows) {
    byMic.set(r.micrograph, [...(byMic.get(r.micrograph) ?? []), { x: r.x, y: r.y }]);
    truthOf.set(r.micrograph, [...(truthOf.get(r.micrograph) ?? []), r.cls]);
  }
  const s = await classifyCrops(cls.modelPath, {
    micrographs: test.slice(0, 4).map((m) => join(SIM, m.micrograph)), picks: [...byMic].map(([micrograph, particles]) => ({ micrograph, particles, frame: ORIGINAL_FRAME })), truth: truthOf,
  }, join(dir, 'test-classes.csv'));
  const conf = s.confusion ?? {};
  const junkRow = conf['junk'] ?? {};
  const junkTotal = Object.values(junkRow).reduce((a, v) => a + v, 0);
  const junkRecall = (junkTotal - (junkRow['particle'] ?? 0)) / Math.max(junkTotal, 1);
  const predictedParticle = Object.values(conf).reduce((a, r) => a + (r['particle'] ?? 0), 0);
  const particlePrecision = (conf['particle']?.['particle'] ?? 0) / Math.max(predictedParticle, 1);
  const particleRecall = s.perClass?.['particle']?.recall ?? 0;
  // 2. the picker's detections with and without the classifier
  const modelPath = join(SIM, 'negatives', 'picker-plain.onnx');
  // run beside the negatives bench, wait (up to 30 min) for its picker rather than train the same one again
  for (let waited = 0; !existsSync(modelPath) && process.env['CRYOPICK_BENCH_WAIT_PICKER'] === '1' && waited < 1800; waited += 10) await new Promise((r) => setTimeout(r, 10000));
  const picker = existsSync(modelPath) ? modelPath : (await trainPicker({
    ...SIM_PARAMS, micrographs: train.map((m) => join(SIM, m.micrograph)), picks: train.map((m) => join(SIM, m.picks)),
    testMicrographs: [...splitMicrographs(train.map((m) => basename(m.micrograph)), 0.25, [], 0).test], particleDiameter: d,
    expectedParticles: Math.round(manifest.totals.placed / manifest.count),
  }, { outDir: await mkdtemp(join(tmpdir(), 'cryopick-bench-crops-picker-')), plots: false, onMessage: log })).modelPath;
  const truth: MicrographPicks[] = [];
  for (const m of test) truth.push(...(await readCoordinates(join(SIM, m.truth))));
  const found = await detect(picker, test.map((m) => join(SIM, m.micrograph)), d);
  const plain = quality(found.map((f) => f.det), truth, d);
  const filter = await createPickFilter(cls.modelPath, 'particle', 2);
  const filtered: MicrographDetections[] = [];
  const f0 = Date.now();
  try {
    for (const f of found) filtered.push(await filter.filter(await readMicrograph(f.path), f.det));
  } finally {
    await filter.release();
  }
  const filterSeconds = (Date.now() - f0) / 1000;
  const kept = quality(filtered, truth, d);
  const markdown = [
    'Simulated realistic preset (4096², 1 Å/px, seed 11). Candidate picks: the truth ("particle") and what a picker also finds (“junk”: junk objects, ice crystals, ' +
    'points on carbon film every diameter, overlapping / aggregated particles), re-simulated from the micrographs\' seeds. ' +
    `Training micrographs 0–7: ${trainCounts['particle']} particle + ${trainCounts['junk']} junk picks, plus DeepPicker background windows (60 per micrograph, ≥ 0.6 × the 384-px window from every pick); ` +
    'classes balanced to the smallest; DeepPicker on 48² crops at ds 8, no tuning, ≤ 30 epochs (early stopping, patience 6). ' +
    `Test micrographs 8–11: ${testCounts['particle']} particle + ${testCounts['junk']} junk picks, never seen in training.`, '',
    '| measure | value |', '|---|---|',
    `| junk recall (junk picks classified junk or background) | ${junkRecall.toFixed(3)} |`,
    `| particle precision (truth among picks classified particle) | ${particlePrecision.toFixed(3)} |`,
    `| particle recall | ${particleRecall.toFixed(3)} |`,
    `| accuracy (3 classes; no background in the test picks) | ${(s.accuracy ?? 0).toFixed(3)} |`,
    `| classifier training (ETL + ${cls.epochs ?? '?'} epochs) | ${trainSeconds.toFixed(0)} s wall (CPU ${((cu.user + cu.system) / 1e6).toFixed(0)} s) |`, '',
    'The picker (training defaults, ds 8, crops 160², on the same 8 training micrographs) on the 12 test micrographs, with and without `--classifier M --keep particle` ' +
    '(every detection above −12 after NMS at 0.5 × diameter, ranked by score; the filter drops detections classified junk or background):', '',
    '| picks | test AP | best F1 | detections |', '|---|---|---|---|',
    `| picker alone | ${plain.ap.toFixed(3)} | ${plain.bestF1.toFixed(3)} | ${found.reduce((a, f) => a + f.det.particles.length, 0)} |`,
    `| picker + \`--classifier\` | ${kept.ap.toFixed(3)} | ${kept.bestF1.toFixed(3)} | ${filtered.reduce((a, f) => a + f.particles.length, 0)} (filter ${filterSeconds.toFixed(0)} s) |`, '',
    `One run; load average ${load0.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.cpus().length} cores.`,
  ].join('\n');
  return { title: 'Particle-crop classifier on simulated picks with junk, carbon and aggregates', command: 'npm run bench -- classifier-crops', markdown };
}
