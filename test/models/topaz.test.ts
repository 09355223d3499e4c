// Topaz architectures: receptive fields, parameter counts, filled ≡ strided logits, and the
// .onnx export reproducing in-memory predictions through loadPickerModel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PickerModel, defaultConfig, loadPickerModel, TOPAZ_ARCHS } from '../../src/models/index.js';
import type { TopazArch } from '../../src/models/index.js';
import { Random } from '../../src/random.js';

const RF: Record<TopazArch, number> = { resnet8: 71, resnet16: 91, conv31: 31, conv63: 63, conv127: 127 };
const STRIDE: Record<TopazArch, number> = { resnet8: 4, resnet16: 4, conv31: 4, conv63: 8, conv127: 16 };

test('receptive fields and strides match Topaz', () => {
  for (const arch of TOPAZ_ARCHS) {
    const m = PickerModel.create(defaultConfig(arch, { units: 4 }));
    assert.equal(m.receptiveField, RF[arch], arch);
    assert.equal(m.stride, STRIDE[arch], arch);
  }
});

test('ResNet8 u32 has about 0.33 M parameters (BN off, as Topaz counts)', () => {
  const m = PickerModel.create(defaultConfig('resnet8', { batchNorm: false }));
  const n = m.store.countTrainable();
  assert.ok(n > 300_000 && n < 360_000, String(n));
});

function randomImage(w: number, h: number, seed: number): { width: number; height: number; data: Float32Array } {
  const rng = new Random(seed);
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { width: w, height: h, data };
}

for (const [arch, pooling, bn] of [['resnet8', 'none', true], ['conv31', 'none', true], ['resnet16', 'none', false], ['conv31', 'max', true], ['conv31', 'avg', false], ['resnet8', 'max', true]] as const) {
  test(`${arch} pooling ${pooling} bn ${bn}: filled logits equal strided logits; .onnx reproduces them`, async () => {
    const model = PickerModel.create(defaultConfig(arch, { units: 4, pooling, batchNorm: bn }), 3);
    // Perturb BN running stats so the eval path is not the identity.
    for (const e of model.store.entries.values()) if (!e.trainable) e.data = e.data.map((v, i) => v + 0.1 * ((i % 3) + 1));
    const dir = await mkdtemp(join(tmpdir(), 'cryopick-model-'));
    try {
      const path = join(dir, 'm.onnx');
      await model.exportOnnx(path, { input: { normalization: 'gmm' }, extra: { 'cryopick.note': 'x', 'cryopick.kind': 'ignored' } });
      const picker = await loadPickerModel(path, { threads: 1 });
      assert.equal(picker.metadata.receptiveField, model.receptiveField);
      assert.deepEqual(picker.metadata.input, { normalization: 'gmm' });
      const { parseModel } = await import('../../src/engine/index.js');
      const { readFile } = await import('node:fs/promises');
      const md = parseModel(new Uint8Array(await readFile(path))).metadata;
      assert.equal(md['cryopick.note'], 'x');
      assert.equal(md['cryopick.kind'], 'picker');
      assert.equal(md['cryopick.param_count'], String(model.store.countTrainable()));
      const img = randomImage(45, 38, 7);
      const dense = await picker.scoreMap(img);
      const tiled = await picker.scoreMap(img, { tileSize: 16 });
      assert.equal(dense.length, img.width * img.height);
      let maxTile = 0;
      for (let i = 0; i < dense.length; i++) maxTile = Math.max(maxTile, Math.abs((dense[i] as number) - (tiled[i] as number)));
      assert.ok(maxTile < 1e-4, `tiling changed logits by ${maxTile}`);
      const strided = await picker.scoreMapStrided(img);
      let maxDiff = 0;
      let count = 0;
      for (let i = 0; i < strided.height; i++) {
        for (let j = 0; j < strided.width; j++) {
          const x = j * strided.stride;
          const y = i * strided.stride;
          if (x >= img.width || y >= img.height) continue;
          maxDiff = Math.max(maxDiff, Math.abs((strided.data[i * strided.width + j] as number) - (dense[y * img.width + x] as number)));
          count++;
        }
      }
      assert.ok(count > 4);
      assert.ok(maxDiff < 1e-3, `filled vs strided differ by ${maxDiff}`);
      await picker.release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('autoencoder decoder: rf 71 gives a 63×63 reconstruction, and its gradients check out', async () => {
  const { buildDecoder, decoderGeometry } = await import('../../src/models/index.js');
  assert.deepEqual(decoderGeometry(71), { depth: 3, size: 63 });
  const { GraphBuilder } = await import('../../src/engine/index.js');
  const model = PickerModel.create(defaultConfig('resnet8', { units: 4 }), 1);
  const b = new GraphBuilder();
  const x = b.input('x', [2, 1, 71, 71]);
  const { features } = model.forwardParts(x, { mode: 'train', fill: false });
  assert.deepEqual(features.shape, [2, model.featureChannels, 1, 1]);
  const rec = buildDecoder(b, model.store, { latentChannels: model.featureChannels, units: 4, receptiveField: 71 }, features, { mode: 'train' });
  assert.deepEqual(rec.shape, [2, 1, 63, 63]);
  const { gradCheck } = await import('../engine/_gradcheck.js');
  const r = await gradCheck({
    build(bb, s) {
      const z = s.declare(bb, 'z', [3, 8, 1, 1], { kind: 'uniform', bound: 1 });
      return { out: buildDecoder(bb, s, { latentChannels: 8, units: 2, receptiveField: 31 }, z, { mode: 'train' }) };
    },
    samples: 8,
  });
  assert.ok(r.checked >= 30, `only ${r.checked} elements checked (${r.skipped} skipped)`);
  assert.ok(r.worst < 2e-2, JSON.stringify(r.perParam));
});

test('loadPickerModel: clear FormatErrors for non-models, foreign ONNX and mismatched weights', async () => {
  const { FormatError } = await import('../../src/errors.js');
  const { writeFile } = await import('node:fs/promises');
  const { GraphBuilder, relu, serializeGraph } = await import('../../src/engine/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-load-'));
  try {
    const junk = join(dir, 'junk.onnx');
    await writeFile(junk, 'definitely not protobuf \u00ff\u00ff\u00ff');
    await assert.rejects(loadPickerModel(junk), (e: unknown) => e instanceof FormatError && e.message.startsWith(junk));
    const b = new GraphBuilder();
    const foreign = join(dir, 'foreign.onnx');
    await writeFile(foreign, serializeGraph(b, { outputs: { y: relu(b.input('x', [2])) } }));
    await assert.rejects(loadPickerModel(foreign), (e: unknown) => e instanceof FormatError && /cryopick\.architecture/.test(e.message));
    const m = PickerModel.create(defaultConfig('conv31', { units: 4 }));
    const bytes = m.toOnnx();
    const { default: onnxProto } = await import('onnx-proto');
    const proto = onnxProto.onnx.ModelProto.decode(bytes);
    const arch = proto.metadataProps.find((p) => p.key === 'cryopick.architecture');
    if (arch) arch.value = JSON.stringify({ ...defaultConfig('conv31'), units: 8 });
    const wrong = join(dir, 'wrong.onnx');
    await writeFile(wrong, onnxProto.onnx.ModelProto.encode(proto).finish());
    await assert.rejects(loadPickerModel(wrong), (e: unknown) => e instanceof FormatError && /wrong size/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('invalid model configs list every problem in one ConfigError', async () => {
  const { ConfigError } = await import('../../src/errors.js');
  assert.throws(() => defaultConfig('resnet8', { units: 0, dropout: 1.5, pooling: 'min' as never }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => p.path), ['units', 'dropout', 'pooling']);
    return true;
  });
  assert.throws(() => defaultConfig('resnet9' as never), ConfigError);
});
