// Every model type builds from its space's defaults and from a random draw, trains a step with a
// finite loss, and its exported ONNX model (float32, float16, float64 storage) predicts like the
// evaluation graph; DeepEM's squared-error head and the 2-D types take square crops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_SPECS, defaultParams } from '../../src/classifier/models/index.js';
import { ClassifierNet, probabilitiesOf } from '../../src/classifier/net.js';
import { storeModelAs } from '../../src/classifier/model-dtype.js';
import { loadClassifierModel } from '../../src/classifier/model-file.js';
import { sampleSpace } from '../../src/tune/space.js';
import { Random } from '../../src/random.js';
import type { ModelType } from '../../src/classifier/config-schema.js';

const cases: [ModelType, number[]][] = [['cnn_lstm', [16]], ['attention_cnn_lstm', [16]], ['encoder', [12]], ['resnet', [16]], ['resnet', [16, 16]], ['deeppicker', [16, 16]], ['deepem', [16, 16]]];

function smallParams(type: ModelType, shape: number[], random: boolean): Record<string, number | string | boolean> {
  const space = MODEL_SPECS[type].space(shape);
  const hp = { ...(random ? sampleSpace(space, Random.fromSeeds(3, shape.length)) : defaultParams(space)) } as Record<string, number | string | boolean>;
  // keep CPU cost of the random draws small
  for (const k of Object.keys(hp)) {
    if (/filters|units|ff_dim|head_size/.test(k)) hp[k] = Math.min(Number(hp[k]), 32);
    if (/num_transformer_blocks|num_blocks|num_stages|lstm_layers|conv_layers/.test(k)) hp[k] = Math.min(Number(hp[k]), 2);
    if (k === 'num_heads') hp[k] = Math.min(Number(hp[k]), 2);
  }
  return hp;
}

for (const [type, shape] of cases) {
  test(`${type} ${shape.length}-D: trains a step, exports, and ONNX equals the eval graph`, async () => {
    for (const random of [false, true]) {
      const net = new ClassifierNet(MODEL_SPECS[type], smallParams(type, shape, random), shape, 3, 1, 1);
      const step = await net.compileTrain(6);
      const size = shape.reduce((a, v) => a * v, 1);
      const x = Float32Array.from({ length: 6 * size }, (_, i) => Math.sin(i * 0.37));
      const y = new Float32Array(18);
      for (let i = 0; i < 6; i++) y[i * 3 + (i % 3)] = 1;
      const r = await step.run({ x, y }, 1e-3);
      await step.release();
      assert.ok(Number.isFinite(r.loss), `${type}: loss ${r.loss}`);
      const ev = await net.compileEval(4);
      const logits = (await ev.run({ x: x.subarray(0, 4 * size) }))['logits'] as Float32Array;
      await ev.release();
      assert.equal(logits.length, 12);
      const want = probabilitiesOf(logits, 3, net.spec.loss);
      const dir = mkdtempSync(join(tmpdir(), 'cryopick-model-'));
      try {
        for (const dtype of ['float32', 'float16', 'float64'] as const) {
          const meta = { format: 'cryopick-classifier', version: 1, modelType: type, kind: shape.length === 1 ? 'signal' : 'crops', classes: ['a', 'b', 'c'], itemShape: shape, batch: 4, dtype, preprocessing: {}, hyperparameters: {}, datasetVersion: 'x' } as const;
          const bytes = storeModelAs(net.exportOnnx(4, { 'cryopick.classifier': JSON.stringify(meta) }), dtype);
          const m = onnxProto.onnx.ModelProto.decode(bytes);
          const code = { float32: 1, float16: 10, float64: 11 }[dtype];
          assert.equal(m.graph?.input?.[0]?.type?.tensorType?.elemType, code, `${dtype} input`);
          assert.ok(m.graph?.initializer?.some((t) => t.dataType === code && (t.name ?? '').endsWith(dtype === 'float32' ? '.w' : `__${dtype}`)), `${dtype} weights`);
          writeFileSync(join(dir, 'm.onnx'), bytes);
          const loaded = await loadClassifierModel(join(dir, 'm.onnx'), 1);
          const p = await loaded.predict(x, 4);
          await loaded.release();
          const tol = dtype === 'float16' ? 0.05 : 1e-4;
          want.forEach((v, i) => assert.ok(Math.abs(v - (p[i] as number)) < tol, `${type} ${dtype}: p[${i}] ${p[i]} vs ${v}`));
          if (net.spec.loss === 'cross-entropy') for (let i = 0; i < 4; i++) assert.ok(Math.abs(p.subarray(i * 3, i * 3 + 3).reduce((a, v) => a + v, 0) - 1) < 1e-3);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
}

test('measured defaults: inside each space, replacing keras-tuner\'s only where given; the encoder sees order', async () => {
  for (const spec of Object.values(MODEL_SPECS)) {
    const space = spec.space([128]);
    const d = defaultParams(space, spec.defaults);
    for (const [k, v] of Object.entries(spec.defaults ?? {})) {
      const p = space[k];
      assert.ok(p, `${spec.type}: ${k} is a hyperparameter of the space`);
      assert.equal(d[k], v);
      if (p.type === 'choice') assert.ok(p.values.includes(v as number), `${spec.type}: ${k} = ${v} is a choice`);
      else assert.ok((v as number) >= p.min && (v as number) <= p.max, `${spec.type}: ${k} = ${v} in [${p.min}, ${p.max}]`);
    }
  }
  assert.equal(defaultParams(MODEL_SPECS.cnn_lstm.space([128]), MODEL_SPECS.cnn_lstm.defaults)['conv_layers'], 3);
  assert.equal(defaultParams(MODEL_SPECS.cnn_lstm.space([128]))['conv_layers'], 1, 'without measured defaults: keras-tuner\'s minimum');
  assert.equal(defaultParams(MODEL_SPECS.encoder.space([128]), MODEL_SPECS.encoder.defaults)['learning_rate'], 1e-3);
  // a series and its time reversal have the same set of values: an order-blind encoder scores them alike
  const net = new ClassifierNet(MODEL_SPECS.encoder, defaultParams(MODEL_SPECS.encoder.space([32]), MODEL_SPECS.encoder.defaults), [32], 2, 7, 1);
  const ev = await net.compileEval(2);
  try {
    const up = Float32Array.from({ length: 32 }, (_, t) => (t < 16 ? -1 : 1) + 0.1 * Math.sin(t));
    const both = new Float32Array(64);
    both.set(up, 0);
    both.set(Float32Array.from(up).reverse(), 32);
    const logits = (await ev.run({ x: both }))['logits'] as Float32Array;
    assert.ok(Math.abs((logits[0] as number) - (logits[2] as number)) + Math.abs((logits[1] as number) - (logits[3] as number)) > 1e-4, 'a step up and a step down get different logits');
  } finally {
    await ev.release();
  }
});
