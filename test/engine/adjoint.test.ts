// Adjoint tests: <Conv(x,W), r> = <x, dx(r)> = <W, dW(x, r)>, and the same for ConvTranspose,
// over stride/dilation/padding/group configurations and every dW path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, ParamStore, compileForward, conv, convTranspose, gradients, mul, reduceSum } from '../../src/engine/index.js';
import type { Var } from '../../src/engine/index.js';

type Cfg = { x: number[]; w: number[]; transpose?: boolean; strides?: number; dilations?: number; pads?: number; groups?: number; outputPadding?: number };
const configs: Cfg[] = [
  { x: [2, 3, 11, 11], w: [4, 3, 3, 3], strides: 2, pads: 1 },
  { x: [2, 8, 12, 12], w: [6, 4, 3, 3], groups: 2, dilations: 2 },
  { x: [1, 16, 10, 10], w: [8, 16, 5, 5], dilations: 1, pads: 2 },
  { x: [3, 1, 15, 15], w: [2, 1, 7, 7], strides: 3 },
  { x: [2, 4, 9], w: [3, 4, 3], strides: 2, dilations: 2, pads: 1 },
  { x: [2, 4, 5, 5], w: [4, 3, 3, 3], transpose: true, strides: 2, outputPadding: 1 },
  { x: [1, 6, 4, 4], w: [6, 2, 3, 3], transpose: true, groups: 3, dilations: 2, pads: 1 },
];

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

for (const c of configs) {
  test(`adjoint ${c.transpose ? 'ConvTranspose' : 'Conv'} x[${c.x}] w[${c.w}] s${c.strides ?? 1} d${c.dilations ?? 1} p${c.pads ?? 0} g${c.groups ?? 1}`, async () => {
    const store = new ParamStore(4);
    const b = new GraphBuilder();
    const x = store.declare(b, 'x', c.x, { kind: 'uniform', bound: 1 });
    const w = store.declare(b, 'w', c.w, { kind: 'uniform', bound: 1 });
    const o = { strides: c.strides ?? 1, dilations: c.dilations ?? 1, pads: c.pads ?? 0, groups: c.groups ?? 1 };
    const y = c.transpose ? convTranspose(x, w, null, { ...o, outputPadding: c.outputPadding ?? 0 }) : conv(x, w, null, o);
    const r = b.constF(new Float32Array(y.size).map(() => store.rng.next() - 0.5), y.shape);
    const [dx, dw] = gradients(reduceSum(mul(y, r)), [x, w]) as [Var, Var];
    const f = await compileForward(b, { y, r: mul(r, 1), dx, dw }, store, { threads: 1 });
    const res = await f.run({});
    const lhs = dot(res['y'] as Float32Array, res['r'] as Float32Array);
    const viaX = dot(store.entries.get('x')?.data as Float32Array, res['dx'] as Float32Array);
    const viaW = dot(store.entries.get('w')?.data as Float32Array, res['dw'] as Float32Array);
    const scale = Math.max(1, Math.abs(lhs));
    assert.ok(Math.abs(lhs - viaX) / scale < 1e-4, `<y,r>=${lhs} <x,dx>=${viaX}`);
    assert.ok(Math.abs(lhs - viaW) / scale < 1e-4, `<y,r>=${lhs} <w,dw>=${viaW}`);
    await f.release();
  });
}
