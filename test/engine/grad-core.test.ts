// Gradient checks of the core ops used by Topaz models: conv, BN (train), PReLU, ReLU, pooling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchNorm, conv, maxPool, prelu, relu, softplus, sigmoid } from '../../src/engine/index.js';
import { gradCheck } from './_gradcheck.js';

test('conv → BN(train) → PReLU → maxpool 3/2 → conv s2 d2: gradients match central differences', async () => {
  const res = await gradCheck({
    build(b, s) {
      const x = s.declare(b, 'x', [2, 2, 12, 12], { kind: 'uniform', bound: 1 });
      const w1 = s.declare(b, 'w1', [3, 2, 3, 3], { kind: 'he', fanIn: 18 });
      const b1 = s.declare(b, 'b1', [3], { kind: 'uniform', bound: 0.1 });
      const g = s.declare(b, 'gamma', [3], { kind: 'uniform', bound: 1 });
      const be = s.declare(b, 'beta', [3], { kind: 'uniform', bound: 0.5 });
      const a = s.declare(b, 'a', [1], { kind: 'const', value: 0.25 });
      const w2 = s.declare(b, 'w2', [2, 3, 3, 3], { kind: 'he', fanIn: 27 });
      const h1 = conv(x, w1, b1);
      const h2 = batchNorm(h1, g, be, { training: true });
      const h3 = prelu(h2, a);
      const h4 = maxPool(h3, { kernel: 3, strides: 2 });
      const out = conv(h4, w2, null, { strides: 2, dilations: 2, pads: 1 });
      return { out: sigmoid(softplus(relu(out))), kinks: [h2, out] };
    },
  });
  assert.ok(res.worst < 2e-2, JSON.stringify(res));
});
