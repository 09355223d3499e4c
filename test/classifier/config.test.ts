// The classifier config: the template is Capfinder's defaults, every problem is reported at once,
// relative paths resolve against the config file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { parseClassifierConfig } from '../../src/classifier/config-load.js';
import { renderClassifierTemplate } from '../../src/classifier/config-template.js';

const template = (): Record<string, Record<string, unknown>> => JSON.parse(renderClassifierTemplate()) as Record<string, Record<string, unknown>>;

test('the template holds Capfinder\'s sections and defaults', () => {
  const t = template();
  assert.deepEqual(Object.keys(t).filter((k) => !k.startsWith('//')), ['etl_params', 'tune_params', 'train_params', 'shared_params', 'lr_scheduler_params', 'debug_code']);
  assert.equal(t['etl_params']?.['examples_per_class'], 100000);
  assert.equal(t['tune_params']?.['max_epochs_hpt'], 3);
  assert.equal(t['tune_params']?.['factor'], 2);
  assert.equal(t['tune_params']?.['tuning_strategy'], 'hyperband');
  assert.equal(t['train_params']?.['patience'], 120);
  assert.equal(t['train_params']?.['max_epochs_final_model'], 300);
  assert.equal(t['shared_params']?.['target_length'], 500);
  assert.equal(t['shared_params']?.['dtype'], 'float16');
  assert.equal(t['shared_params']?.['train_test_fraction'], 0.95);
  assert.equal(t['shared_params']?.['train_val_fraction'], 0.8);
  assert.deepEqual((t['lr_scheduler_params']?.['sgdr'] as Record<string, unknown>)['cycle_length'], 5);
});

test('the edited template parses; paths resolve against the config folder', () => {
  const t = template();
  (t['etl_params'] as Record<string, unknown>)['caps_data_dir'] = 'signals';
  (t['shared_params'] as Record<string, unknown>)['output_dir'] = 'out';
  const c = parseClassifierConfig(t, 'cfg.json', '/data/project');
  assert.equal(c.etl_params.caps_data_dir, '/data/project/signals');
  assert.equal(c.shared_params.output_dir, '/data/project/out');
  assert.equal(c.lr_scheduler_params.reduce_lr_on_plateau.factor, 0.5);
});

test('every problem is listed in one error before any work', () => {
  const t = template();
  (t['tune_params'] as Record<string, unknown>)['bogus'] = 1;
  (t['shared_params'] as Record<string, unknown>)['model_type'] = 'lstm';
  (t['shared_params'] as Record<string, unknown>)['train_val_fraction'] = 1.2;
  (t['lr_scheduler_params'] as Record<string, unknown>)['type'] = 'step';
  assert.throws(() => parseClassifierConfig(t, 'cfg.json'), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    const paths = e.problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['etl_params.caps_data_dir', 'lr_scheduler_params.type', 'shared_params.model_type', 'shared_params.output_dir', 'shared_params.train_val_fraction', 'tune_params']);
    return true;
  });
});

test('placeholders and impossible combinations are named', () => {
  assert.throws(() => parseClassifierConfig({}, 'cfg.json'), /caps_data_dir[^]*output_dir/);
  assert.throws(() => parseClassifierConfig({ etl_params: { caps_data_dir: 'x' }, shared_params: { output_dir: 'o', model_type: 'deeppicker' } }), /not a signal model/);
  assert.throws(() => parseClassifierConfig({ etl_params: { caps_data_dir: 'x' }, shared_params: { output_dir: 'o' }, lr_scheduler_params: { cyclic_lr: { base_lr: 0.1, max_lr: 0.01 } } }), /must be above base_lr/);
});
