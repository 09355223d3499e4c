// Learning test: a small Topaz conv31 trained through the fused train step separates
// "blob at centre" patches from noise, and the exported .onnx reproduces its predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, Session, compileTrainStep, mul, reduceMean, reshape, softplus, sub } from '../../src/engine/index.js';
import { Random } from '../../src/random.js';
import { PickerModel, defaultConfig } from '../../src/models/index.js';

const S = 31;

export function blobBatch(n: number, rng: Random): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n * S * S);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = i % 2 === 0;
    y[i] = pos ? 1 : 0;
    const cx = pos ? 15 : 4 + rng.next() * 23;
    const cy = pos ? 15 : (rng.next() < 0.5 ? 4 : 26);
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++) {
        const d2 = (r - cy) ** 2 + (c - cx) ** 2;
        x[i * S * S + r * S + c] = 2 * Math.exp(-d2 / 18) + 0.5 * rng.normal();
      }
    }
  }
  return { x, y };
}

test('conv31 learns blob-at-centre through the fused step; saved .onnx reproduces predictions', async () => {
  const model = PickerModel.create(defaultConfig('conv31', { units: 8 }), 11);
  const n = 32;
  const b = new GraphBuilder();
  const x = b.input('x', [n, 1, S, S]);
  const y = b.input('y', [n]);
  const z = reshape(model.forward(x, { mode: 'train', fill: false }), [n]);
  const loss = reduceMean(sub(softplus(z), mul(y, z)));
  const step = await compileTrainStep(loss, model.store, { optimizer: { kind: 'adam' }, outputs: { z }, runtime: { threads: 2 } });
  const rng = new Random(5);
  let first = 0;
  let last = 0;
  for (let i = 0; i < 40; i++) {
    const batch = blobBatch(n, rng);
    const r = await step.run({ x: batch.x, y: batch.y }, 3e-3);
    if (i === 0) first = r.loss;
    last = r.loss;
  }
  assert.ok(last < first, `loss went from ${first} to ${last}`);
  const test = blobBatch(64, new Random(99));
  const evalFwd = await model.compileForward([64, 1, S, S], { mode: 'eval', fill: false }, { threads: 2 });
  const logits = (await evalFwd.run({ image: test.x }))['logits'] as Float32Array;
  let correct = 0;
  for (let i = 0; i < 64; i++) if ((logits[i] as number) > 0 === (test.y[i] === 1)) correct++;
  assert.ok(correct / 64 >= 0.9, `held-out accuracy ${correct / 64}`);

  const dir = await mkdtemp(join(tmpdir(), 'cryopick-learn-'));
  try {
    const path = join(dir, 'model.onnx');
    await model.exportOnnx(path);
    const s = await Session.create(path, { threads: 1 });
    const out = (await s.run({ image: { data: test.x, dims: [64, 1, S, S] } }))['logits'];
    assert.deepEqual(out?.dims, [64, 1, S, S]);
    const saved = out?.data as Float32Array;
    const centre = 15 * S + 15;
    for (let i = 0; i < 64; i++) {
      const v = saved[i * S * S + centre] as number;
      assert.ok(Math.abs(v - (logits[i] as number)) < 1e-4, `sample ${i}: ${v} vs ${logits[i]}`);
    }
    await s.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await step.release();
  await evalFwd.release();
});
