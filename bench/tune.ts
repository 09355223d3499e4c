// Tuning benchmarks on simulated data: the seed's cross-validation example (learning rate
// 0.0001 + j·0.0001, 3 values, 2 folds) and a 20-trial Bayesian search — best value, wall time.
// Each training is short (3 epochs × 25 dense steps on 768² micrographs) but long enough to learn:
// the held-out AUPRC of a good trial is far above chance, so the search has something to rank.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { PRESETS, simulateDataset } from '../src/sim/index.js';
import { crossValidate } from '../src/tune/crossval.js';
import { runTrainPipeline } from '../src/tune/pipeline.js';

const SHORT = { epochs: 3, epochSize: 25, downsample: 2, units: 32, cropSize: 128, cropsPerStep: 2, threads: 2, expectedParticles: 35 } as const;

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-bench-tune-'));
  const log = (s: string): void => { process.stderr.write(`[tune] ${s}\n`); };
  try {
    const simT0 = performance.now();
    await simulateDataset({ outDir: join(dir, 'sim'), params: { ...PRESETS.quick.params, width: 768, height: 768, particlesPerMicrograph: 35, junkPerMicrograph: 3, labelFraction: 0.5 }, count: 8, seed: 7, preset: 'quick' });
    const simS = (performance.now() - simT0) / 1000;
    const mics = join(dir, 'sim', 'micrographs');
    const picks = join(dir, 'sim', 'picks');

    const cvT0 = performance.now();
    const cv = await crossValidate({
      params: { micrographs: [mics], picks: [picks], testFraction: 0.25, ...SHORT },
      parameter: 'learningRate', folds: 2, initial: 0.0001, increment: 0.0001, count: 3, outDir: join(dir, 'cv'), onMessage: log,
    });
    const cvS = (performance.now() - cvT0) / 1000;

    const config = {
      data: { micrographs: [mics], picks: [picks], testFraction: 0.25, downsample: SHORT.downsample },
      tuning: { enabled: true, strategy: 'bayesian', maxTrials: 20, epochsPerTrial: SHORT.epochs, initialPoints: 5, seed: 1,
        space: { learningRate: { type: 'log-uniform', min: 1e-5, max: 1e-1 }, expectedParticles: { type: 'int', min: 10, max: 100, step: 5 } } },
      training: { epochs: 6, patience: 0 },
      shared: { units: SHORT.units, epochSize: SHORT.epochSize, cropSize: SHORT.cropSize, cropsPerStep: SHORT.cropsPerStep, threads: 2, expectedParticles: SHORT.expectedParticles, outputDir: join(dir, 'out'), runName: 'bench' },
      lrScheduler: { kind: 'constant', lr: 2e-4 },
    };
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const tuneT0 = performance.now();
    const tuned = await runTrainPipeline(join(dir, 'config.json'), { onMessage: log });
    const tuneS = (performance.now() - tuneT0) / 1000;
    const trials = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'out', 'tuning', 'state.json'), 'utf8'))) as { trials: { seconds: number }[] };
    const perTrial = trials.trials.map((t) => t.seconds).sort((a, b) => a - b);
    const median = perTrial[Math.floor(perTrial.length / 2)] ?? Number.NaN;

    const rows = cv.summary.map((s) => `| ${s.value} | ${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)} | ${s.n} |${cv.best?.value === s.value ? ' best' : ''}`);
    const markdown = [
      `Simulated data: 8 micrographs 768² (quick preset otherwise, ${simS.toFixed(1)} s to simulate), 2 held out for testing; every training ${SHORT.epochs} epoch(s) × ${SHORT.epochSize} steps,`,
      `${SHORT.units} units, downsample ${SHORT.downsample}, ${SHORT.cropsPerStep} crops of ${SHORT.cropSize}² per step, 2 threads. One run of each (a full search is too long to repeat 5×).`,
      '',
      `**Cross-validation, the seed example** (learningRate 0.0001 + j·0.0001, 3 values, 2 folds = 6 trainings + final model): wall ${cvS.toFixed(1)} s, best learningRate ${cv.best?.value ?? '-'}.`,
      '',
      '| learningRate | held-out AUPRC (mean ± sd) | folds |', '| --- | --- | --- |', ...rows,
      '',
      `**20-trial Bayesian search** (GP Matérn 5/2, EI, 5 random initial points; learningRate log-uniform 1e-5…1e-1, expectedParticles 10…100 (35 placed per micrograph); ${SHORT.epochs} epochs per trial, then 6 epochs of final training with the best values and test evaluation): wall ${tuneS.toFixed(1)} s,`,
      `median trial ${median.toFixed(1)} s; best trial ${tuned.bestTrial ? tuned.bestTrial.index + 1 : '-'}: ${JSON.stringify(tuned.bestTrial?.params ?? {})} with validation AUPRC ${tuned.bestTrial?.score?.toFixed(4) ?? '-'};`,
      `test AP ${tuned.evaluation?.ap.toFixed(4) ?? '-'}, F1 at logit 0 ${tuned.evaluation?.f1.toFixed(4) ?? '-'}.`,
      '',
      'AUPRC here is pixel-level on the held-out micrographs\' sparse picks; chance equals the labelled-pixel fraction (about 0.01 on this data).',
      `Trials: ${trials.trials.map((t) => (t as { score?: number }).score?.toFixed(3) ?? '-').join(', ')}.`,
    ].join('\n');
    return { title: 'Tuning: cross-validation and hyperparameter search', command: 'npm run bench -- tune', markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
