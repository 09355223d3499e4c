// The whole classifier pipeline on a tiny synthetic set: tuning (random search) → final training
// → held-out test outputs → classify; a rerun resumes the search; an interrupted search trains the
// best so far; and the CLI commands write the template and report bad configs in one message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { runClassifierPipelineWith } from '../../src/classifier/pipeline.js';
import { classifySignals } from '../../src/classifier/classify.js';
import { writeSyntheticSignals } from '../../src/classifier/synthetic-signals.js';
import { main } from '../../src/cli/main.js';

const config = (dir: string, tune: Record<string, unknown>) => parseClassifierConfig({
  etl_params: { caps_data_dir: join(dir, 'csv'), examples_per_class: 40 },
  tune_params: { max_trials: 2, max_epochs_hpt: 1, ...tune },
  train_params: { max_epochs_final_model: 2, patience: 1 },
  shared_params: { num_classes: 3, model_type: 'cnn_lstm', target_length: 24, batch_size: 12, output_dir: join(dir, 'out'), dtype: 'float32', threads: 1, use_augmentation: true },
  lr_scheduler_params: { type: 'sgdr' },
});

test('pipeline: tune, train, test, save, classify; rerun resumes the search', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-clf-'));
  try {
    writeSyntheticSignals(join(dir, 'csv'), { classes: 3, perClass: 40, length: 24, motifLength: 6, maxSpeedChange: 0.2, noise: 0.2, seed: 4 });
    const logs: string[] = [];
    const c = config(dir, { tuning_strategy: 'random_search' });
    const r = await runClassifierPipelineWith(c, { log: (m) => logs.push(m) });
    assert.ok(existsSync(r.modelPath));
    for (const f of ['confusion_test.tsv', 'confusion_test.png', 'confusion_train.tsv', 'report.html', 'summary.json', 'history.json']) assert.ok(existsSync(join(r.folder, f)), f);
    const summary = JSON.parse(readFileSync(join(r.folder, 'summary.json'), 'utf8')) as { test: { confusion: number[][] }; tuning: { trials: number } };
    assert.equal(summary.tuning.trials, 2);
    assert.equal(summary.test.confusion.flat().reduce((a, v) => a + v, 0), 3 * (40 - Math.floor(40 * 0.95)), 'every test item is in the matrix');
    assert.ok(readFileSync(join(r.folder, 'confusion_test.tsv'), 'utf8').startsWith('true\\predicted\t0\t1\t2\n'));
    assert.ok(existsSync(join(dir, 'out', 'tuner_models', 'capfinder_tune_cnn_lstm', 'state.json')));
    assert.ok(logs.some((l) => /^trial 1: best validation accuracy/.test(l)));
    const out = join(dir, 'pred.csv');
    const s = await classifySignals(r.modelPath, join(dir, 'csv'), out, 1);
    assert.equal(s.items, 120);
    assert.ok(s.accuracy !== undefined && s.accuracy >= 0 && s.accuracy <= 1);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'read_id,predicted_class,p_0,p_1,p_2');
    assert.equal(lines.length, 121);

    const again: string[] = [];
    const r2 = await runClassifierPipelineWith(c, { log: (m) => again.push(m) });
    assert.ok(again.some((l) => /reusing/.test(l)), 'dataset reused');
    assert.ok(again.some((l) => /resumed 2 finished trial/.test(l)), 'search resumed');
    assert.ok(!again.some((l) => /^trial \d+:/.test(l)), 'no trial reran');
    assert.deepEqual(r2.hyperparameters, r.hyperparameters);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pipeline: Ctrl+C during tuning trains the best so far; during final training still tests and saves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-clf-'));
  try {
    writeSyntheticSignals(join(dir, 'csv'), { classes: 3, perClass: 40, length: 24, motifLength: 6, maxSpeedChange: 0.2, noise: 0.2, seed: 4 });
    const tuneStop = new AbortController();
    const finalStop = new AbortController();
    const logs: string[] = [];
    const r = await runClassifierPipelineWith(config(dir, { tuning_strategy: 'hyperband', max_epochs_hpt: 2 }), {
      tuneSignal: tuneStop.signal, finalSignal: finalStop.signal,
      log: (m) => {
        logs.push(m);
        if (/^trial 0:/.test(m)) tuneStop.abort();
        if (/^epoch 1:/.test(m)) finalStop.abort();
      },
    });
    assert.ok(r.tuningInterrupted);
    assert.ok(r.trainingInterrupted);
    assert.equal(r.epochs, 1);
    assert.ok(logs.some((l) => /final training uses the best of 1 finished trial/.test(l)), logs.join('\n'));
    assert.ok(existsSync(r.modelPath));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: create-classifier-config writes a template; train-classifier lists every problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-clf-'));
  const err: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    const file = join(dir, 'c.json');
    assert.equal(await main(['create-classifier-config', '--file', file]), 0);
    const t = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    (t['shared_params'] as Record<string, unknown>)['batch_size'] = 0;
    writeFileSync(file, JSON.stringify(t));
    assert.equal(await main(['train-classifier', '--config', file]), 1);
    const text = err.join('');
    assert.match(text, /caps_data_dir/);
    assert.match(text, /output_dir/);
    assert.match(text, /batch_size/);
    assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');
  } finally {
    process.stderr.write = orig;
    rmSync(dir, { recursive: true, force: true });
  }
});
