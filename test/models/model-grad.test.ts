// End-to-end gradient checks of whole Topaz models in training mode (BN batch statistics,
// strided residual skips, pooling), against float32 central differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PickerModel, defaultConfig } from '../../src/models/index.js';
import type { PickerModelConfig } from '../../src/models/index.js';
import { Random } from '../../src/random.js';
import { gradCheck } from '../engine/_gradcheck.js';

const cases: [string, PickerModelConfig][] = [
  ['resnet8 BN PReLU', defaultConfig('resnet8', { units: 2, activation: 'prelu' })],
  ['resnet16 no BN (strided skip without projection)', defaultConfig('resnet16', { units: 2, batchNorm: false })],
  ['conv31 max pooling', defaultConfig('conv31', { units: 2, pooling: 'max' })],
  ['conv63 avg pooling, unit scaling 1.5', defaultConfig('conv63', { units: 2, pooling: 'avg', unitScaling: 1.5 })],
];

for (const [name, cfg] of cases) {
  test(`model gradients: ${name}`, async () => {
    const template = PickerModel.create(cfg, 5);
    const rf = template.receptiveField;
    const size = rf + 3 * template.stride;
    const rng = new Random(8);
    const image = new Float32Array(2 * size * size).map(() => rng.normal());
    const r = await gradCheck({
      build(b, s) {
        for (const [k, e] of template.store.entries) s.add(k, e.shape, { kind: 'const', value: 0 }, e.trainable).data = Float32Array.from(e.data);
        const model = new PickerModel(cfg, s);
        const x = b.input('x', [2, 1, size, size]);
        return { out: model.forward(x, { mode: 'train', fill: false }) };
      },
      feeds: { x: image },
      samples: 6,
    });
    assert.ok(r.checked > 30, `only ${r.checked} checked, ${r.skipped} skipped`);
    assert.ok(r.worst < 3e-2, JSON.stringify(r.perParam));
  });
}
