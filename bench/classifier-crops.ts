// The particle-crop classifier as `pick --classifier` on the simulated realistic preset (bench/train.ts's
// data). The picker (8 training micrographs, 2 of them choose its epoch) finds detections; the
// classifier learns from the picker's own detections on 6 training micrographs (labelled particle /
// junk by matching to the truth, as 2D classification would label them) plus the truth and the junk a
// user marks; --keep-min-prob and --classifier-weight are chosen on the picker's 2 epoch-choice
// micrographs (seen by neither model's weights); the 12 test micrographs only measure.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchSection } from './run.js';
import { SIM_PARAMS } from './train.js';
import { userNegatives } from './negatives.js';
import { PICK_THRESHOLD, detect, matchedToTruth, quality, type Quality } from './_picks-quality.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { readCoordinates } from '../src/io/coordinate-formats.js';
import { ORIGINAL_FRAME, type MicrographPicks } from '../src/io/coords.js';
import type { MicrographDetections } from '../src/pick/detections.js';
import { trainPicker } from '../src/train/trainer.js';
import { splitMicrographs } from '../src/train/split.js';
import { parseClassifierConfig } from '../src/classifier/config-load.js';
import { runClassifierPipelineWith } from '../src/classifier/pipeline.js';
import { loadCropClassifier } from '../src/classifier/crop-predict.js';
import { PICK_FILTER_DEFAULTS, rescoreDetections } from '../src/classifier/pick-filter.js';
import { PRESETS, micrographSeed, simulateMicrograph } from '../src/sim/index.js';

const SIM = process.env['CRYOPICK_BENCH_SIM'] ?? join(tmpdir(), 'cryopick-bench-sim-realistic');
const PARAMS = { ...PRESETS.realistic.params, labelFraction: 0.5 };
/** Detections at or above this score (pick's default threshold − 4) join the classifier's training data. */
const TRAIN_FLOOR = PICK_THRESHOLD - 4;
const MIN_PROBS = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];
const WEIGHTS = [0, 0.25, 0.5, 1, 1.5, 2];

interface Manifest { particleDiameterPx: number; count: number; seed: number; totals: { placed: number }; micrographs: { name: string; micrograph: string; truth: string; picks: string }[] }
type Entry = Manifest['micrographs'][number];
interface Scored { det: MicrographDetections; pKeep: Float64Array; truth: MicrographPicks }

/** What the classifier was trained on, and how long it took (kept beside the data for CRYOPICK_BENCH_CROP_REUSE). */
interface ClassifierRun { modelPath: string; picker: string; counts: { truth: number; junk: number; detParticle: number; detJunk: number }; trainSeconds: number; cpuSeconds: number; epochs: number | undefined }

/** Trains the crop classifier on the `fit` micrographs: truth, user junk, and the picker's labelled detections. */
async function trainClassifier(manifest: Manifest, fit: readonly Entry[], picker: string, dir: string, truthOf: (m: Entry) => Promise<MicrographPicks>, log: (s: string) => void): Promise<ClassifierRun> {
  const d = manifest.particleDiameterPx;
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const fitDets = await detect(picker, fit.map((m) => join(SIM, m.micrograph)), d);
  // classifier training data: the truth and the user's junk (centred), the picker's detections (off-centre) labelled by matching
  const rows: string[] = [];
  const counts = { truth: 0, junk: 0, detParticle: 0, detJunk: 0 };
  for (const [i, m] of fit.entries()) {
    const truth = (await truthOf(m)).particles;
    const sim = simulateMicrograph(PARAMS, micrographSeed(manifest.seed, manifest.micrographs.indexOf(m)));
    if (truth.length !== sim.truth.length) throw new Error(`re-simulated ${m.name} differs from the stored dataset`);
    for (const p of truth) { rows.push(`${m.name}.mrc ${p.x.toFixed(1)} ${p.y.toFixed(1)} particle`); counts.truth++; }
    for (const p of userNegatives(sim, d).particles) { rows.push(`${m.name}.mrc ${p.x.toFixed(1)} ${p.y.toFixed(1)} junk`); counts.junk++; }
    const det = fitDets[i] as MicrographDetections;
    const hit = matchedToTruth(det, truth, d);
    det.particles.forEach((p, j) => {
      if ((p.score ?? -Infinity) < TRAIN_FLOOR) return;
      rows.push(`${m.name}.mrc ${p.x.toFixed(1)} ${p.y.toFixed(1)} ${hit[j] ? 'particle' : 'junk'}`);
      if (hit[j]) counts.detParticle++; else counts.detJunk++;
    });
  }
  const trainStar = join(dir, 'train-detections.star');
  await writeFile(trainStar, `data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_pickClass #4\n${rows.join('\n')}\n`);
  const config = parseClassifierConfig({
    etl_params: { caps_data_dir: null, examples_per_class: null, seed: 1, particles: {
      micrographs: fit.map((m) => join(SIM, m.micrograph)), coordinates: [trainStar], class_column: 'pickClass', box_size: 48, downsample: 8,
    } },
    tune_params: { tuning_strategy: 'none' }, train_params: { max_epochs_final_model: 30, patience: 6 },
    shared_params: { num_classes: 2, model_type: 'deeppicker', batch_size: 32, output_dir: await mkdtemp(join(tmpdir(), 'cryopick-bench-crops-')), threads: 1,
      train_test_fraction: 0.9, train_val_fraction: 0.8, use_augmentation: true, dtype: 'float32' },
    lr_scheduler_params: { type: 'reduce_lr_on_plateau' },
  });
  const cls = await runClassifierPipelineWith(config, { log });
  const cu = process.cpuUsage(c0);
  return { modelPath: cls.modelPath, picker, counts, trainSeconds: (Date.now() - t0) / 1000, cpuSeconds: (cu.user + cu.system) / 1e6, epochs: cls.epochs };
}

export async function run(): Promise<BenchSection> {
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const load0 = os.loadavg()[0] ?? 0;
  const manifest = JSON.parse(await readFile(join(SIM, 'manifest.json'), 'utf8')) as Manifest;
  const d = manifest.particleDiameterPx;
  const dir = join(SIM, 'crops');
  await mkdir(dir, { recursive: true });
  const train = manifest.micrographs.slice(0, 8);
  const test = manifest.micrographs.slice(8, 20);
  const held = new Set(splitMicrographs(train.map((m) => basename(m.micrograph)), 0.25, [], 0).test);
  const valid = train.filter((m) => held.has(basename(m.micrograph)));
  const fit = train.filter((m) => !held.has(basename(m.micrograph)));
  const truthOf = async (m: Entry): Promise<MicrographPicks> => (await readCoordinates(join(SIM, m.truth)))[0] ?? { micrograph: m.name, particles: [], frame: ORIGINAL_FRAME };
  // the picker (the negatives bench's plain picker when present: the same training)
  const kept = join(SIM, 'negatives', 'picker-plain.onnx');
  const picker = existsSync(kept) ? kept : (await trainPicker({
    ...SIM_PARAMS, threads: 1, micrographs: train.map((m) => join(SIM, m.micrograph)), picks: train.map((m) => join(SIM, m.picks)),
    testMicrographs: [...held], particleDiameter: d, expectedParticles: Math.round(manifest.totals.placed / manifest.count),
  }, { outDir: await mkdtemp(join(tmpdir(), 'cryopick-bench-crops-picker-')), plots: false, onMessage: log })).modelPath;
  // CRYOPICK_BENCH_CROP_REUSE=1: score with the classifier of the last run (same picker) instead of training again
  const runFile = join(dir, 'classifier-run.json');
  const last = process.env['CRYOPICK_BENCH_CROP_REUSE'] === '1' && existsSync(runFile) ? JSON.parse(await readFile(runFile, 'utf8')) as ClassifierRun : undefined;
  const trained = last && last.picker === picker && existsSync(last.modelPath) ? last : await trainClassifier(manifest, fit, picker, dir, truthOf, log);
  if (trained !== last) await writeFile(runFile, JSON.stringify(trained));
  const { counts, trainSeconds } = trained;
  const cls = { modelPath: trained.modelPath, epochs: trained.epochs };
  const cu = { user: trained.cpuSeconds * 1e6, system: 0 };
  // p(particle) of every detection on the validation and test micrographs (one classifier pass each)
  const classifier = await loadCropClassifier(cls.modelPath, 1);
  const k = classifier.meta.classes.indexOf('particle');
  const K = classifier.meta.classes.length;
  const scoredOn = async (ms: readonly Entry[]): Promise<Scored[]> => {
    const dets = await detect(picker, ms.map((m) => join(SIM, m.micrograph)), d);
    const out: Scored[] = [];
    for (const [i, m] of ms.entries()) {
      const det = dets[i] as MicrographDetections;
      const prob = await classifier.classify(await readMicrograph(join(SIM, m.micrograph)), det.particles);
      out.push({ det, pKeep: Float64Array.from(det.particles, (_, j) => prob[j * K + k] as number), truth: await truthOf(m) });
    }
    return out;
  };
  let validSet: Scored[], testSet: Scored[];
  try {
    validSet = await scoredOn(valid);
    testSet = await scoredOn(test);
  } finally {
    await classifier.release();
  }
  const withFilter = (set: readonly Scored[], minProb: number, weight: number): Quality =>
    quality(set.map((s) => rescoreDetections(s.det, s.pKeep, { minProb, weight })), set.map((s) => s.truth), d);
  // choose on validation: the best AP over the grid (ties: the first, i.e. the gentler setting)
  const grid: { minProb: number; weight: number; q: Quality }[] = [];
  for (const minProb of MIN_PROBS) for (const weight of WEIGHTS) grid.push({ minProb, weight, q: withFilter(validSet, minProb, weight) });
  const best = grid.reduce((a, g) => (g.q.ap > a.q.ap + 1e-9 ? g : a));
  const validPlain = quality(validSet.map((s) => s.det), validSet.map((s) => s.truth), d);
  // test: junk recall and particle precision at pick's default threshold, AP with and without
  const plain = quality(testSet.map((s) => s.det), testSet.map((s) => s.truth), d);
  const variants = [
    { name: `picker + \`--classifier\`, defaults (--keep-min-prob ${PICK_FILTER_DEFAULTS.minProb}, --classifier-weight ${PICK_FILTER_DEFAULTS.weight})`, ...PICK_FILTER_DEFAULTS },
    { name: `picker + \`--classifier\`, best on validation (--keep-min-prob ${best.minProb}, --classifier-weight ${best.weight})`, minProb: best.minProb, weight: best.weight },
    { name: 'picker + `--classifier --keep-min-prob 0.5 --classifier-weight 0` (a hard filter, as last session\'s argmax)', minProb: 0.5, weight: 0 },
  ];
  // junk recall: of the picker's false positives at the default threshold, the share the classifier moves below it or drops
  const junkRecall = (minProb: number, weight: number): { gone: number; fp: number } => {
    let fp = 0, gone = 0;
    for (const s of testSet) {
      const hit = matchedToTruth(s.det, s.truth.particles, d);
      const after = new Set(rescoreDetections(s.det, s.pKeep, { minProb, weight }).particles.filter((p) => (p.score ?? -Infinity) >= PICK_THRESHOLD).map((p) => `${p.x},${p.y}`));
      s.det.particles.forEach((p, j) => { if (!hit[j] && (p.score ?? -Infinity) >= PICK_THRESHOLD) { fp++; if (!after.has(`${p.x},${p.y}`)) gone++; } });
    }
    return { gone, fp };
  };
  const qRow = (name: string, q: Quality, junk?: { gone: number; fp: number }): string => `| ${name} | ${q.ap.toFixed(3)} | ${q.bestF1.toFixed(3)} | ${q.f1AtDefault.toFixed(3)} (P ${q.precisionAtDefault.toFixed(3)}, R ${q.recallAtDefault.toFixed(3)}) | ` +
    `${junk ? `${(junk.gone / Math.max(junk.fp, 1)).toFixed(3)} (${junk.gone} of ${junk.fp})` : '—'} | ${q.detections} |`;
  const top = [...grid].sort((a, b) => b.q.ap - a.q.ap).slice(0, 5);
  const markdown = [
    'Simulated realistic preset (4096², 1 Å/px, seed 11). The picker: training defaults, ds 8, crops 160², on micrographs 0–7 (50 % picks; 2 of them choose its epoch). ' +
    `The classifier (DeepPicker, 48² crops at ds 8, classes particle / junk, balanced to the smaller, rotation augmentation, ≤ 30 epochs, patience 6) learns from the other 6: ${counts.truth} truth particles and ${counts.junk} junk picks a user marks ` +
    `(junk objects, ice, carbon, aggregates; centred), and the picker's own detections with score ≥ ${TRAIN_FLOOR} labelled by matching to the truth within 0.25 × diameter: ${counts.detParticle} particle, ${counts.detJunk} junk (off-centre, as a picker finds them; in practice 2D classification gives these labels). ` +
    `${trained === last ? 'Classifier reused from the previous run of this bench (CRYOPICK_BENCH_CROP_REUSE=1); its training took ' : 'Training '}${trainSeconds.toFixed(0)} s wall (CPU ${((cu.user + cu.system) / 1e6).toFixed(0)} s, ${cls.epochs ?? '?'} epochs, detection on the 6 micrographs included).`, '',
    `\`pick --classifier M --keep particle\` adds w · ln(p / (1 − p)) to each detection's score (p = p(particle)) and drops p < --keep-min-prob. Both are chosen on the picker's 2 epoch-choice micrographs (${valid.map((m) => m.name).join(', ')}; not in the classifier's data): ` +
    `validation AP ${validPlain.ap.toFixed(3)} without the classifier; best ${best.q.ap.toFixed(3)} at --keep-min-prob ${best.minProb}, --classifier-weight ${best.weight}; top 5: ${top.map((g) => `${g.q.ap.toFixed(3)} (${g.minProb}, ${g.weight})`).join(', ')}; ` +
    `the defaults (${PICK_FILTER_DEFAULTS.minProb}, ${PICK_FILTER_DEFAULTS.weight}) ${withFilter(validSet, PICK_FILTER_DEFAULTS.minProb, PICK_FILTER_DEFAULTS.weight).ap.toFixed(3)}.`, '',
    'Test micrographs 8–19 (never used to choose anything); every detection above −12 after NMS at 0.5 × diameter, ranked by score, matched within 0.25 × diameter; F1 at pick\'s default threshold ' + `${PICK_THRESHOLD}:`, '',
    '| picks | test AP | best F1 | F1 at default threshold (P = particle precision, R) | junk recall | detections |', '|---|---|---|---|---|---|',
    qRow('picker alone', plain), ...variants.map((v) => qRow(v.name, withFilter(testSet, v.minProb, v.weight), junkRecall(v.minProb, v.weight))), '',
    'Junk recall: of the picker\'s false positives at the default threshold (junk, ice, carbon, aggregates, background, duplicates), the share the classifier moves below the threshold or drops; ' +
    'particle precision: the precision of the picks at the default threshold.', '',
    `One run; load average ${load0.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.cpus().length} cores.`,
  ].join('\n');
  return { title: 'Particle-crop classifier on simulated picks with junk, carbon and aggregates', command: 'npm run bench -- classifier-crops', markdown };
}
