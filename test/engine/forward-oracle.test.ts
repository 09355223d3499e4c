// Forward semantics against a tiny pure-TS oracle on small shapes: conv (asymmetric pads,
// stride, dilation, groups), transposed conv, max pool, training-mode BN, strided slice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, ParamStore, batchNorm, compileForward, conv, convTranspose, maxPool, slice } from '../../src/engine/index.js';
import type { Var } from '../../src/engine/index.js';

type G = { s: number[]; d: number[]; p: number[]; g: number };

function naiveConv(x: Float32Array, xs: number[], w: Float32Array, ws: number[], o: G): { y: Float32Array; shape: number[] } {
  const [n, c, h, wd] = xs as [number, number, number, number];
  const [co, cig, kh, kw] = ws as [number, number, number, number];
  const oh = Math.floor((h + o.p[0]! + o.p[2]! - ((kh - 1) * o.d[0]! + 1)) / o.s[0]!) + 1;
  const ow = Math.floor((wd + o.p[1]! + o.p[3]! - ((kw - 1) * o.d[1]! + 1)) / o.s[1]!) + 1;
  const y = new Float32Array(n * co * oh * ow);
  const cog = co / o.g;
  for (let b = 0; b < n; b++) for (let m = 0; m < co; m++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let acc = 0;
    const grp = Math.floor(m / cog);
    for (let ci = 0; ci < cig; ci++) for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
      const yy = i * o.s[0]! - o.p[0]! + u * o.d[0]!;
      const xx = j * o.s[1]! - o.p[1]! + v * o.d[1]!;
      if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
      acc += x[((b * c + grp * cig + ci) * h + yy) * wd + xx]! * w[((m * cig + ci) * kh + u) * kw + v]!;
    }
    y[((b * co + m) * oh + i) * ow + j] = acc;
  }
  return { y, shape: [n, co, oh, ow] };
}

async function run(build: (b: GraphBuilder, s: ParamStore) => Record<string, Var>): Promise<{ out: Record<string, Float32Array>; s: ParamStore }> {
  const s = new ParamStore(9);
  const b = new GraphBuilder();
  const outs = build(b, s);
  const f = await compileForward(b, outs, s, { threads: 1 });
  const out = await f.run({});
  await f.release();
  return { out, s };
}

const close = (a: Float32Array, b: Float32Array, tol = 1e-4): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < tol, `element ${i}: ${a[i]} vs ${b[i]}`);
};

for (const o of [
  { s: [2, 1], d: [1, 2], p: [1, 0, 2, 1], g: 1 },
  { s: [1, 1], d: [2, 2], p: [2, 2, 2, 2], g: 2 },
  { s: [3, 2], d: [1, 1], p: [0, 1, 0, 1], g: 4 },
] as G[]) {
  test(`conv forward matches the oracle: strides ${o.s} dilations ${o.d} pads ${o.p} groups ${o.g}`, async () => {
    const xs = [2, 4, 9, 8];
    const ws = [4, 4 / o.g, 3, 3];
    const { out, s } = await run((b, st) => ({
      y: conv(st.declare(b, 'x', xs, { kind: 'uniform', bound: 1 }), st.declare(b, 'w', ws, { kind: 'uniform', bound: 1 }), null, { strides: o.s, dilations: o.d, pads: o.p, groups: o.g }),
    }));
    const ref = naiveConv(s.entries.get('x')!.data, xs, s.entries.get('w')!.data, ws, o);
    close(out['y']!, ref.y);
  });
}

test('convTranspose forward is the adjoint scatter of conv (oracle)', async () => {
  const xs = [1, 2, 4, 5];
  const ws = [2, 3, 3, 3];
  const { out, s } = await run((b, st) => ({
    y: convTranspose(st.declare(b, 'x', xs, { kind: 'uniform', bound: 1 }), st.declare(b, 'w', ws, { kind: 'uniform', bound: 1 }), null, { strides: 2, pads: 1, outputPadding: 1 }),
  }));
  const x = s.entries.get('x')!.data;
  const w = s.entries.get('w')!.data;
  const oh = 2 * 3 + 1 + 3 - 2;
  const ow = 2 * 4 + 1 + 3 - 2;
  const y = new Float32Array(3 * oh * ow);
  for (let ci = 0; ci < 2; ci++) for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) for (let co = 0; co < 3; co++) for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) {
    const yy = i * 2 - 1 + u;
    const xx = j * 2 - 1 + v;
    if (yy < 0 || yy >= oh || xx < 0 || xx >= ow) continue;
    y[(co * oh + yy) * ow + xx]! += x[(ci * 4 + i) * 5 + j]! * w[((ci * 3 + co) * 3 + u) * 3 + v]!;
  }
  close(out['y']!, y);
});

test('maxPool, training BN and strided slice match the oracle', async () => {
  const xs = [2, 2, 7, 7];
  const { out, s } = await run((b, st) => {
    const x = st.declare(b, 'x', xs, { kind: 'uniform', bound: 1 });
    const g = st.declare(b, 'g', [2], { kind: 'uniform', bound: 1 });
    const be = st.declare(b, 'be', [2], { kind: 'uniform', bound: 1 });
    return {
      pool: maxPool(x, { kernel: 3, strides: 2 }),
      bn: batchNorm(x, g, be, { training: true }),
      sl: slice(x, { starts: [1, 0], ends: [-1, 7], axes: [2, 3], steps: [2, 3] }),
    };
  });
  const x = s.entries.get('x')!.data;
  const at = (n: number, c: number, i: number, j: number): number => x[((n * 2 + c) * 7 + i) * 7 + j]!;
  const pool: number[] = [];
  const sl: number[] = [];
  for (let n = 0; n < 2; n++) for (let c = 0; c < 2; c++) {
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let m = -Infinity;
      for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) m = Math.max(m, at(n, c, 2 * i + u, 2 * j + v));
      pool.push(m);
    }
    for (let i = 1; i < 6; i += 2) for (let j = 0; j < 7; j += 3) sl.push(at(n, c, i, j));
  }
  close(out['pool']!, Float32Array.from(pool));
  close(out['sl']!, Float32Array.from(sl));
  const bn = new Float32Array(x.length);
  for (let c = 0; c < 2; c++) {
    const vals: number[] = [];
    for (let n = 0; n < 2; n++) for (let k = 0; k < 49; k++) vals.push(x[(n * 2 + c) * 49 + k]!);
    const mu = vals.reduce((a, v) => a + v, 0) / vals.length;
    const vr = vals.reduce((a, v) => a + (v - mu) ** 2, 0) / vals.length;
    for (let n = 0; n < 2; n++) for (let k = 0; k < 49; k++) {
      const i = (n * 2 + c) * 49 + k;
      bn[i] = ((x[i]! - mu) / Math.sqrt(vr + 1e-5)) * s.entries.get('g')!.data[c]! + s.entries.get('be')!.data[c]!;
    }
  }
  close(out['bn']!, bn);
});
