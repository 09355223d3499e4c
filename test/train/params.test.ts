// Parameter validation tables: defaults, required expected particles, forbidden combinations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { effectiveSlack, parseTrainParams, TRAIN_DEFAULTS } from '../../src/train/params.js';
import { FINETUNE_EPOCHS } from '../../src/train/fine-tune-defaults.js';

const base = { micrographs: ['m'], picks: ['p.star'], expectedParticles: 100 };

test('defaults follow Topaz; dense mode has its own measured schedule', () => {
  const p = parseTrainParams(base);
  assert.deepEqual([p.mode, p.learningRate, p.finalLearningRate, p.epochSize, p.cropSize, p.cropsPerStep], ['dense', 1e-3, 1e-4, 40, 192, 2]);
  const patch = parseTrainParams({ ...base, mode: 'patch' });
  assert.deepEqual([patch.learningRate, patch.finalLearningRate, patch.epochSize], [2e-4, undefined, 1000]);
  // a learning rate given by the user stays constant unless a final one is given too
  assert.deepEqual([parseTrainParams({ ...base, learningRate: 5e-4 }).finalLearningRate, parseTrainParams({ ...base, learningRate: 5e-4, finalLearningRate: 1e-5 }).finalLearningRate], [undefined, 1e-5]);
  assert.equal(parseTrainParams({ ...base, finalLearningRate: 3e-4 }).finalLearningRate, 3e-4);
  assert.equal(p.minibatchSize, 256);
  assert.equal(p.epochs, 10);
  // fine-tuning from a model: a few epochs unless asked (the measured --init recipe)
  assert.equal(parseTrainParams({ ...base, init: 'general.onnx' }).epochs, FINETUNE_EPOCHS);
  assert.equal(FINETUNE_EPOCHS, 2);
  assert.equal(parseTrainParams({ ...base, init: 'general.onnx', epochs: 7 }).epochs, 7);
  assert.equal(parseTrainParams({ ...base, epochSize: 7 }).epochSize, 7);
  assert.equal(p.radius, 3);
  assert.equal(p.balance, 0.0625);
  assert.equal(p.loss, 'GE-binomial');
  assert.equal(p.slack, -1);
  assert.equal(p.model, 'resnet8');
  assert.equal(p.units, 32);
  assert.equal(p.pixelSampling, 10);
  assert.equal(p.normIters, 100);
  assert.deepEqual([TRAIN_DEFAULTS.learningRate, TRAIN_DEFAULTS.finalLearningRate, TRAIN_DEFAULTS.epochSize], [1e-3, 1e-4, 40]);
  assert.equal(TRAIN_DEFAULTS.expectedParticles, undefined);
});

test('slack -1 means the method default', () => {
  assert.equal(effectiveSlack('GE-binomial', -1), 1);
  assert.equal(effectiveSlack('GE-KL', -1), 10);
  assert.equal(effectiveSlack('GE-KL', 3), 3);
});

const bad: { name: string; input: object; includes: string[]; count?: number }[] = [
  { name: 'missing expected particles', input: { micrographs: ['m'], picks: ['p'] }, includes: ['expectedParticles', 'required'] },
  { name: 'resnet + average pooling', input: { ...base, pooling: 'average' }, includes: ['average pooling is not available for resnet8'] },
  { name: 'resnet + autoencoder', input: { ...base, model: 'resnet16', autoencoderWeight: 0.1 }, includes: ['autoencoder cannot be used with resnet16'] },
  { name: 'conv + max pooling', input: { ...base, model: 'conv63', pooling: 'max' }, includes: ['max pooling is not available for conv63'] },
  { name: 'conv + dropout', input: { ...base, model: 'conv31', dropout: 0.2 }, includes: ['dropout is not available for conv31'] },
  {
    name: 'every conflict at once, with schema errors',
    input: { micrographs: ['m'], picks: ['p'], model: 'conv127', pooling: 'max', dropout: 0.5, learningRate: -1 },
    includes: ['max pooling', 'dropout is not available', 'learningRate', 'expectedParticles'], count: 4,
  },
  { name: 'bad slack', input: { ...base, slack: -2 }, includes: ['slack'] },
  { name: 'unknown loss', input: { ...base, loss: 'BCE' }, includes: ['loss'] },
];

for (const c of bad) {
  test(`rejects: ${c.name}`, () => {
    assert.throws(() => parseTrainParams(c.input), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const s of c.includes) assert.ok(err.message.includes(s), `"${err.message}" lacks "${s}"`);
      if (c.count !== undefined) assert.equal(err.problems.length, c.count);
      return true;
    });
  });
}

test('allowed combinations pass', () => {
  parseTrainParams({ ...base, model: 'resnet8', pooling: 'max', dropout: 0.1 });
  parseTrainParams({ ...base, model: 'conv63', pooling: 'average', autoencoderWeight: 0.04 });
});
