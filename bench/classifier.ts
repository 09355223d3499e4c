// The synthetic 4-class signal benchmark (generator: src/classifier/synthetic-signals.ts — classes
// differ only by a 16-sample motif at a random position of a noisy random walk; every read is
// resampled at a speed 0–20 % slower or faster): held-out test accuracy and wall time of every
// model type (space defaults), the effect of use_augmentation, and the three tuning strategies.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { parseClassifierConfig } from '../src/classifier/config-load.js';
import { runClassifierPipelineWith } from '../src/classifier/pipeline.js';
import { writeSyntheticSignals } from '../src/classifier/synthetic-signals.js';

/** Inference and training threads (CRYOPICK_BENCH_THREADS, default 2). */
const THREADS = Number(process.env['CRYOPICK_BENCH_THREADS'] ?? 2);
const DATA = { classes: 4, perClass: 400, length: 128, motifLength: 16, maxSpeedChange: 0.2, noise: 0.3, seed: 3 };

interface Row { readonly what: string; readonly accuracy: number; readonly wall: number; readonly cpu: number; readonly epochs: number; readonly load: number }

/** CRYOPICK_BENCH_ROWS=cnn_lstm,encoder re-runs only the rows of these model types' defaults ("cnn_lstm, defaults, ...") and keeps the others of BENCHMARKS.md. */
const ONLY = process.env['CRYOPICK_BENCH_ROWS']?.split(',').filter(Boolean);
const wanted = (what: string): boolean => !ONLY || ONLY.some((p) => what.startsWith(`${p}, `));

/** The table rows of this section as last written (name → the whole markdown row). */
function previousRows(): Map<string, string> {
  const text = existsSync('BENCHMARKS.md') ? readFileSync('BENCHMARKS.md', 'utf8') : '';
  const section = /<!-- bench:classifier -->\n([\s\S]*?)<!-- \/bench:classifier -->/.exec(text)?.[1] ?? '';
  return new Map(section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| run ') && !l.startsWith('| ---')).map((l) => [l.split(' | ')[0]?.slice(2) ?? '', l]));
}

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-bench-clf-'));
  const rows: Row[] = [];
  const before = previousRows();
  const order: string[] = [];
  try {
    writeSyntheticSignals(join(dir, 'csv'), DATA);
    const once = async (what: string, shared: Record<string, unknown>, tune: Record<string, unknown>, epochs: number): Promise<void> => {
      order.push(what);
      if (!wanted(what)) return;
      const c = parseClassifierConfig({
        etl_params: { caps_data_dir: join(dir, 'csv'), examples_per_class: null },
        tune_params: { tuning_strategy: 'none', overwrite: true, ...tune },
        train_params: { max_epochs_final_model: epochs, patience: 3 },
        shared_params: { num_classes: 4, target_length: 128, batch_size: 32, dtype: 'float32', threads: THREADS, output_dir: join(dir, 'out'), ...shared },
        lr_scheduler_params: { type: 'reduce_lr_on_plateau' },
      });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await runClassifierPipelineWith(c, { log: (m) => process.stderr.write(`[classifier] ${m}\n`) });
      const cpu = process.cpuUsage(cpu0);
      rows.push({ what, accuracy: r.testAccuracy, wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, epochs: r.epochs, load: loadavg()[0] ?? 0 });
    };
    for (const model of ['cnn_lstm', 'attention_cnn_lstm', 'encoder', 'resnet']) await once(`${model}, defaults, no augmentation`, { model_type: model }, {}, 8);
    await once('resnet, defaults, use_augmentation', { model_type: 'resnet', use_augmentation: true }, {}, 8);
    for (const strategy of ['random_search', 'bayesian_optimization', 'hyperband']) {
      await once(`cnn_lstm tuned: ${strategy} (3 trials × 2 epochs; hyperband R=2, η=2)`, { model_type: 'cnn_lstm' }, { tuning_strategy: strategy, max_trials: 3, max_epochs_hpt: 2, factor: 2 }, 8);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Classifier: synthetic 4-class signal benchmark',
    command: 'npm run bench -- classifier',
    markdown: [
      `Data: ${DATA.classes} classes × ${DATA.perClass} reads from src/classifier/synthetic-signals.ts (length ${DATA.length} before a random speed change of up to ±${DATA.maxSpeedChange * 100} %, white noise σ ${DATA.noise} on a random walk, class = a ${DATA.motifLength}-sample motif at a random position: step up, step down, bump, one sine period).`,
      `Split 95 % / 5 % train+validation / test, then 80 % / 20 % train / validation (per class, seeded); target_length 128; batch 32; final training ≤ 8 epochs, early stopping patience 3, reduce_lr_on_plateau; one run each (no repeats: the machine is shared), ` + (ONLY
        ? `threads 2, except the rows ${ONLY.join(', ')}: re-run ${new Date().toISOString().slice(0, 10)} with threads ${THREADS} after their defaults changed (the other rows are kept from the previous run of this section).`
        : `threads ${THREADS}.`),
      'Hyperparameters: "defaults" are the keras-tuner defaults of each space (smallest sizes, first choices: learning rate 1e-2 for the LSTM models, 1e-4 for resnet) except the measured ones inside the space (src/classifier/models): cnn_lstm 3 conv blocks, encoder learning rate 1e-3 and 4 heads (its samples embedded by a width-3 convolution plus sinusoidal positions). Before, cnn_lstm (1 conv block) scored 0.63–0.98 by seed and thread count and the order-blind encoder 0.300; tuned rows search the cnn_lstm space.',
      '',
      '| run | test accuracy | epochs | wall time | CPU time | load (1 min) after |',
      '| --- | --- | --- | --- | --- | --- |',
      ...order.map((what) => {
        const r = rows.find((x) => x.what === what);
        return r ? `| ${r.what} | ${r.accuracy.toFixed(3)} | ${r.epochs} | ${r.wall.toFixed(0)} s | ${r.cpu.toFixed(0)} s | ${r.load.toFixed(1)} |` : before.get(what) ?? `| ${what} | not run | | | | |`;
      }),
    ].join('\n'),
  };
}
