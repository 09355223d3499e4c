// Forward checks of the composite ops: space-to-depth against an explicit index formula (and
// valid for other sizes after export), weighted squared error against a direct sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, ParamStore, compileForward, spaceToDepth, weightedSquaredError } from '../../src/engine/index.js';

test('spaceToDepth moves each b×b offset into its own channel block', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 2, 4, 6]);
  const y = spaceToDepth(x, 2);
  assert.deepEqual(y.shape, [1, 8, 2, 3]);
  const f = await compileForward(b, { y }, new ParamStore(0), { threads: 1 });
  const data = Float32Array.from({ length: 48 }, (_, i) => i);
  const out = (await f.run({ x: data }))['y'] as Float32Array;
  for (let k = 0; k < 4; k++) {
    const dy = Math.floor(k / 2);
    const dx = k % 2;
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          assert.equal(out[((k * 2 + c) * 2 + i) * 3 + j], data[(c * 4 + 2 * i + dy) * 6 + 2 * j + dx]);
        }
      }
    }
  }
  await f.release();
});

test('spaceToDepth refuses a block that does not divide the map, naming both', () => {
  const b = new GraphBuilder();
  assert.throws(() => spaceToDepth(b.input('x', [1, 1, 5, 4]), 2), /block 2 must divide the spatial size 5×4/);
});

test('weightedSquaredError equals Σ w·(p − t)² with broadcast weights', async () => {
  const b = new GraphBuilder();
  const p = b.input('p', [2, 3]);
  const t = b.input('t', [2, 3]);
  const w = b.input('w', [2, 1]);
  const loss = weightedSquaredError(p, t, w);
  const f = await compileForward(b, { loss }, new ParamStore(0), { threads: 1 });
  const pv = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const tv = Float32Array.from([0, 2, 5, 4, 4, 4]);
  const out = (await f.run({ p: pv, t: tv, w: Float32Array.from([2, 0.5]) }))['loss'] as Float32Array;
  assert.ok(Math.abs((out[0] as number) - (2 * (1 + 0 + 4) + 0.5 * (0 + 1 + 4))) < 1e-5);
  await f.release();
});
