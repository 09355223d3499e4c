// The model-file schema: a model written by cryopick before the schema (format 1) still loads
// with the same preprocessing, diameter and scores; new files round-trip; bad metadata is one clear FormatError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, ConfigError } from '../../src/errors.js';
import { MODEL_FILE_VERSION, PickerModel, defaultConfig, readModelFile } from '../../src/models/index.js';
import { loadScoreModel } from '../../src/pick/score-model.js';
import { REPO_ROOT } from '../_paths.js';

const OLD_MODEL = join(REPO_ROOT, 'test', 'fixtures', 'model-format1.onnx');

test('a model file written before the schema (format 1) loads: preprocessing, diameter and scores as written', async () => {
  const file = readModelFile(new Uint8Array(readFileSync(OLD_MODEL)), OLD_MODEL);
  assert.equal(file.version, 1);
  assert.equal(file.config.arch, 'resnet8');
  assert.equal(file.input.radius, 3);
  assert.equal(file.training['bestEpoch'], 1);
  const model = await loadScoreModel(OLD_MODEL, { threads: 1 });
  try {
    assert.deepEqual(model.preprocess.downsample, { kind: 'factor', factor: 2, method: 'fourier' });
    assert.equal(model.preprocess.normalize.kind, 'standardize');
    assert.equal(model.particleDiameterPx, 40);
    const w = 48;
    const h = 40;
    const data = new Float32Array(w * h).map((_, i) => Math.sin((i % w) / 3) + Math.cos(Math.floor(i / w) / 5));
    const scores = await model.scoreMap({ width: w, height: h, data });
    // values computed by the cryopick that wrote the file
    const expected = [-4.5361, -4.49716, -4.7277, -3.37842];
    [0, 100, 777, w * h - 1].forEach((i, k) => assert.ok(Math.abs((scores[i] as number) - (expected[k] as number)) < 1e-4, `score ${i}: ${scores[i]}`));
  } finally {
    await model.release?.();
  }
});

test('a new model file records the schema version and reads back what was written', () => {
  const m = PickerModel.create(defaultConfig('conv31', { units: 4 }), 1);
  const bytes = m.toOnnx({ input: { preprocess: { downsample: { kind: 'factor', factor: 3 } }, particleDiameter: 30, pixelSizeA: 1.2, radius: 2 }, training: { bestEpoch: 4 } });
  const file = readModelFile(bytes, 'new.onnx');
  assert.equal(file.version, MODEL_FILE_VERSION);
  assert.deepEqual(file.input.preprocess?.downsample, { kind: 'factor', factor: 3, method: 'fourier' }, 'defaults filled when written');
  assert.equal(file.input.particleDiameter, 30);
  assert.equal(file.input.pixelSizeA, 1.2);
  assert.equal(file.training['bestEpoch'], 4);
  for (const [k, e] of m.store.entries) assert.deepEqual(file.weights.get(k), e.data, k);
});

test('the writer refuses metadata outside the schema; the reader names the file and the bad field', async () => {
  const m = PickerModel.create(defaultConfig('conv31', { units: 4 }), 1);
  assert.throws(() => m.toOnnx({ input: { particleDiameter: -3 } }), (e: unknown) => e instanceof ConfigError && /input\.particleDiameter/.test(e.message));
  const { default: onnxProto } = await import('onnx-proto');
  const edit = (key: string, value: string): Uint8Array => {
    const proto = onnxProto.onnx.ModelProto.decode(m.toOnnx());
    const prop = proto.metadataProps.find((p) => p.key === key);
    if (prop) prop.value = value;
    return Uint8Array.from(onnxProto.onnx.ModelProto.encode(proto).finish());
  };
  assert.throws(() => readModelFile(edit('cryopick.version', '99'), 'future.onnx'),
    (e: unknown) => e instanceof FormatError && /^future\.onnx: model file version 99 was written by a newer cryopick/.test(e.message));
  assert.throws(() => readModelFile(edit('cryopick.input', '{"radius":"big"}'), 'bad.onnx'),
    (e: unknown) => e instanceof FormatError && /cryopick\.input does not fit the model schema: radius/.test(e.message));
  assert.throws(() => readModelFile(edit('cryopick.training', '{oops'), 'json.onnx'),
    (e: unknown) => e instanceof FormatError && /cryopick\.training is not valid JSON/.test(e.message));
});

test('both families go through the one writer and reader: a yolo file carries its family, the schema version and checked input', async () => {
  const { YoloModel } = await import('../../src/models/yolo/yolo-model.js');
  const { defaultYoloConfig } = await import('../../src/models/yolo/spec.js');
  const y = YoloModel.create(defaultYoloConfig({ width: 0.25 }));
  const file = readModelFile(y.toOnnx({ input: { preprocess: { downsample: { kind: 'factor', factor: 2 } }, particleDiameter: 50 } }), 'yolo.onnx');
  assert.equal(file.family, 'yolo');
  assert.equal(file.version, MODEL_FILE_VERSION);
  assert.equal(file.config.arch, 'yolo');
  assert.equal(file.input.particleDiameter, 50);
  assert.deepEqual(file.input.preprocess?.downsample, { kind: 'factor', factor: 2, method: 'fourier' });
  assert.throws(() => y.toOnnx({ input: { particleDiameter: 0 } }), (e: unknown) => e instanceof ConfigError && /input\.particleDiameter/.test(e.message));
  const topaz = readModelFile(PickerModel.create(defaultConfig('conv31', { units: 4 }), 1).toOnnx(), 't.onnx');
  assert.equal(topaz.family, 'topaz');
  const { default: onnxProto } = await import('onnx-proto');
  const proto = onnxProto.onnx.ModelProto.decode(y.toOnnx());
  const fam = proto.metadataProps.find((p) => p.key === 'cryopick.family');
  if (fam) fam.value = 'unet';
  assert.throws(() => readModelFile(Uint8Array.from(onnxProto.onnx.ModelProto.encode(proto).finish()), 'odd.onnx'),
    (e: unknown) => e instanceof FormatError && /cryopick\.family is 'unet', expected one of topaz, yolo/.test(e.message));
});
