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
