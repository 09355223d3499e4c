// Pins the ONNX Runtime pitfalls from engine-onnx.md and checks the engine's workarounds:
// BN writing running stats into its inputs, merged constants, Bernoulli inversion, float attrs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import {
  F, I, GraphBuilder, ParamStore, Session, batchNorm, compileForward, conv, dropout, gradients, leakyRelu, mul, reduceSum, serializeGraph,
} from '../../src/engine/index.js';
import type { Var } from '../../src/engine/index.js';

const xData = new Float32Array(300).map((_, i) => Math.sin(i));

test('pitfall 1: training-mode BatchNormalization overwrites its fed mean/var arrays', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [4, 3, 5, 5]);
  const mean = b.input('mean', [3]);
  const vr = b.input('var', [3]);
  const outs = b.emitN('BatchNormalization', [x, b.constF([1, 1, 1]), b.constF([0, 0, 0]), mean, vr], { epsilon: F(1e-5), momentum: F(0), training_mode: I(1) },
    [{ shape: [4, 3, 5, 5], dtype: 'float32' }, { shape: [3], dtype: 'float32' }, { shape: [3], dtype: 'float32' }]) as [Var, Var, Var];
  const s2 = b.emit('Add', [outs[1], outs[2]], {}, [3]);
  const s = await Session.create(serializeGraph(b, { outputs: { y: outs[0], s2 } }), { threads: 1 });
  const m = Float32Array.of(7, 8, 9);
  await s.run({ x: { data: xData, dims: [4, 3, 5, 5] }, mean: { data: m, dims: [3] }, var: { data: Float32Array.of(5, 5, 5), dims: [3] } });
  // ORT 1.30 writes the batch mean into the caller's array. If this starts failing, ORT fixed it.
  assert.notDeepEqual([...m], [7, 8, 9]);
  await s.release();
});

test('pitfall 1b: equal-valued initializers are merged, so BN corrupts another node\'s zeros', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [4, 1, 5, 5]);
  const zeroA = b.initializer('zeroA', new Float32Array(1), [1]);
  const zeroB = b.initializer('zeroB', new Float32Array(1), [1]);
  const outs = b.emitN('BatchNormalization', [x, b.initializer('oneA', Float32Array.of(1), [1]), b.initializer('zeroC', new Float32Array(1), [1]), zeroA, b.initializer('oneB', Float32Array.of(1), [1])],
    { epsilon: F(1e-5), momentum: F(0), training_mode: I(1) },
    [{ shape: [4, 1, 5, 5], dtype: 'float32' }, { shape: [1], dtype: 'float32' }, { shape: [1], dtype: 'float32' }]) as [Var, Var, Var];
  const stats = b.emit('Add', [outs[1], outs[2]], {}, [1]);
  const shifted = b.emit('Add', [x, zeroB], {}, [4, 1, 5, 5]);
  const s = await Session.create(serializeGraph(b, { outputs: { y: outs[0], stats, shifted } }), { threads: 1 });
  const xs = new Float32Array(100).map((_, i) => 1 + Math.sin(i));
  const worst = async (): Promise<number> => {
    const r = await s.run({ x: { data: xs, dims: [4, 1, 5, 5] } });
    return Math.max(...Array.from(r['shifted']?.data as Float32Array, (v, i) => Math.abs(v - (xs[i] as number))));
  };
  assert.equal(await worst(), 0);
  // ORT 1.30: zeroA and zeroB were merged and run 1 wrote the batch mean (~1) into it.
  assert.ok((await worst()) > 0.5);
  await s.release();

  const b2 = new GraphBuilder();
  const x2 = b2.input('x', [4, 1, 5, 5]);
  const y2 = batchNorm(x2, b2.constF([1], [1]), b2.constF([0], [1]), { training: true });
  const shifted2 = b2.emit('Add', [x2, b2.constF([0], [1])], {}, [4, 1, 5, 5]);
  const s2 = await Session.create(serializeGraph(b2, { outputs: { y2, shifted2 } }), { threads: 1 });
  for (let run = 0; run < 3; run++) {
    const r = await s2.run({ x: { data: xs, dims: [4, 1, 5, 5] } });
    assert.deepEqual([...(r['shifted2']?.data as Float32Array)], [...xs], `engine BN corrupted a shared constant on run ${run}`);
  }
  await s2.release();
});

test('engine BN: private junk statistics per BN, and a conv bias before BN gets a ~0 gradient', async () => {
  const store = new ParamStore(2);
  const b = new GraphBuilder();
  const x = b.input('x', [4, 2, 8, 8]);
  const w = store.declare(b, 'w', [3, 2, 3, 3], { kind: 'he', fanIn: 18 });
  const bias = store.declare(b, 'bias', [3], { kind: 'uniform', bound: 1 });
  const g = store.declare(b, 'g', [3], { kind: 'const', value: 1 });
  const be = store.declare(b, 'be', [3], { kind: 'const', value: 0 });
  const h = batchNorm(batchNorm(conv(x, w, bias), g, be, { training: true }), g, be, { training: true });
  const loss = reduceSum(mul(h, b.constF(new Float32Array(h.size).map((_, i) => Math.cos(i)), h.shape)));
  const [gw, gb] = gradients(loss, [w, bias]) as [Var, Var];
  const junk = [...b.initializers.values()].filter((t) => t.name.startsWith('bn_junk'));
  assert.equal(junk.length, 4);
  const keys = new Set(junk.map((t) => Array.from(t.data as Float32Array).join(',')));
  assert.equal(keys.size, 4, 'junk statistics must differ so ORT cannot merge them');
  const f = await compileForward(b, { gw, gb }, store, { threads: 1 });
  const r = await f.run({ x: new Float32Array(4 * 2 * 64).map((_, i) => Math.sin(i * 0.7)) });
  const maxB = Math.max(...Array.from(r['gb'] as Float32Array, Math.abs));
  const maxW = Math.max(...Array.from(r['gw'] as Float32Array, Math.abs));
  assert.ok(maxW > 1e-2 && maxB < 1e-4 * maxW, `bias grad ${maxB} vs weight grad ${maxW}`);
  await f.release();
});

test('pitfall 3: Bernoulli is inverted in this build; engine dropout keeps 1-p', async () => {
  const b = new GraphBuilder();
  const p = b.input('p', [20000]);
  const bern = b.emit('Bernoulli', [p], {}, [20000]);
  const x = b.input('x', [20000]);
  const d = dropout(x, 0.1, true);
  const s = await Session.create(serializeGraph(b, { outputs: { bern, d } }), { threads: 1 });
  const r = await s.run({ p: { data: new Float32Array(20000).fill(0.1), dims: [20000] }, x: { data: new Float32Array(20000).fill(1), dims: [20000] } });
  const mean = (a: Float32Array): number => a.reduce((acc, v) => acc + v, 0) / a.length;
  assert.ok(Math.abs(mean(r['bern']?.data as Float32Array) - 0.9) < 0.02, 'Bernoulli(0.1) gives P(1) ≈ 0.9 here');
  const kept = Array.from(r['d']?.data as Float32Array).filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / 20000 - 0.9) < 0.02);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.9) < 1e-6), 'kept values are scaled by 1/(1-p)');
  const r2 = await s.run({ p: { data: new Float32Array(20000).fill(0.1), dims: [20000] }, x: { data: new Float32Array(20000).fill(1), dims: [20000] } });
  assert.notDeepEqual(r2['d']?.data, r['d']?.data, 'a fresh mask every run');
  await s.release();
});

test('pitfall 5: float attributes are encoded as FLOAT even for whole numbers', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [4]);
  const y = leakyRelu(x, 1);
  const z = b.emit('LeakyRelu', [x], { alpha: F(0.5) }, [4]);
  const bytes = serializeGraph(b, { outputs: { y, z } });
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const attr = model.graph?.node?.[0]?.attribute?.[0];
  assert.equal(attr?.type, onnxProto.onnx.AttributeProto.AttributeType.FLOAT);
  assert.equal(attr?.f, 1);
  assert.throws(() => I(1.5), RangeError);
  const s = await Session.create(bytes, { threads: 1 });
  const r = await s.run({ x: { data: Float32Array.of(-2, -1, 0, 3), dims: [4] } });
  assert.deepEqual([...(r['y']?.data as Float32Array)], [-2, -1, 0, 3]);
  assert.deepEqual([...(r['z']?.data as Float32Array)], [-1, -0.5, 0, 3]);
  await s.release();
});

test('dropout gradient is the same mask as the forward pass', async () => {
  const store = new ParamStore(1);
  const b = new GraphBuilder();
  const x = store.declare(b, 'x', [500], { kind: 'uniform', bound: 1 });
  const y = dropout(x, 0.3, true);
  const [g] = gradients(reduceSum(y), [x]) as [Var];
  const f = await compileForward(b, { y, g }, store, { threads: 1 });
  const r = await f.run({});
  const xs = store.entries.get('x')?.data as Float32Array;
  let zeros = 0;
  for (let i = 0; i < 500; i++) {
    const expected = (r['y']?.[i] as number) === 0 ? 0 : 1 / 0.7;
    if (expected === 0) zeros++;
    assert.ok(Math.abs((r['g']?.[i] as number) - expected) < 1e-5, `element ${i} x=${xs[i]}`);
  }
  assert.ok(zeros > 100 && zeros < 200, `${zeros} dropped of 500 at p=0.3`);
  await f.release();
});

test('dropout with fed noise drops exactly the elements whose draw is at least 1 − p, in the forward and the gradient', async () => {
  const store = new ParamStore(1);
  const b = new GraphBuilder();
  const x = store.declare(b, 'x', [6], { kind: 'const', value: 2 });
  const noise = b.input('noise', [6]);
  const y = dropout(x, 0.5, true, undefined, noise);
  const [g] = gradients(reduceSum(y), [x]) as [Var];
  const f = await compileForward(b, { y, g }, store, { threads: 1 });
  const r = await f.run({ noise: Float32Array.of(0.1, 0.6, 0.49, 0.5, 0.99, 0) });
  assert.deepEqual([...(r['y'] as Float32Array)], [4, 0, 4, 0, 0, 4]);
  assert.deepEqual([...(r['g'] as Float32Array)], [2, 0, 2, 0, 0, 2]);
  await f.release();
  assert.throws(() => dropout(x, 0.5, true, undefined, b.input('bad', [5])), /noise has shape \[5\], expected \[6\]/);
});
