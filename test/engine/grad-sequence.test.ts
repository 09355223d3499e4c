// Finite-difference checks of the sequence-classifier ops (log-softmax, cross-entropy, MSE,
// 1-D pooling and BN, unrolled LSTM, attention) and forward checks against plain-TS oracles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GraphBuilder, ParamStore, additiveAttentionPool, avgPool, batchNorm, compileForward, conv, logSoftmax, lstm, maxPool, meanSquaredError,
  multiHeadSelfAttention, sigmoid, sparseCategoricalCrossEntropy,
} from '../../src/engine/index.js';
import type { Var } from '../../src/engine/index.js';
import { gradCheck } from './_gradcheck.js';

type Build = Parameters<typeof gradCheck>[0]['build'];
const p = (s: ParamStore, b: GraphBuilder, name: string, shape: number[], bound = 1): Var => s.declare(b, name, shape, { kind: 'uniform', bound });
const oneHot = (labels: number[], k: number): Float32Array => {
  const a = new Float32Array(labels.length * k);
  labels.forEach((l, i) => (a[i * k + l] = 1));
  return a;
};
const lastPool = (b: GraphBuilder): Var => (b.tape.filter((e) => e.kind === 'maxPool').at(-1)?.attrs as { indices: Var }).indices;

const cases: Record<string, { build: Build; feeds?: Record<string, Float32Array> }> = {
  'logSoftmax over axis 1 (large logits)': { build: (b, s) => ({ out: logSoftmax(p(s, b, 'x', [3, 5, 2], 6), 1) }) },
  'sparse categorical cross-entropy': {
    build: (b, s) => ({ out: sparseCategoricalCrossEntropy(p(s, b, 'z', [4, 3], 3), b.input('y', [4, 3])) }),
    feeds: { y: oneHot([0, 2, 1, 2], 3) },
  },
  'mean squared error of sigmoid outputs': {
    build: (b, s) => ({ out: meanSquaredError(sigmoid(p(s, b, 'z', [5, 2], 2)), b.input('t', [5, 2])) }),
    feeds: { t: oneHot([0, 1, 1, 0, 1], 2) },
  },
  'conv1d same padding → maxPool1d 2 → batchNorm1d': {
    build: (b, s) => {
      const y = maxPool(conv(p(s, b, 'x', [3, 2, 12]), p(s, b, 'w', [4, 2, 3]), p(s, b, 'bias', [4]), { pads: 1 }), { kernel: 2 });
      const idx = lastPool(b);
      return { out: batchNorm(y, p(s, b, 'g', [4]), p(s, b, 'beta', [4]), { training: true }), kinks: [idx] };
    },
  },
  'avgPool1d 3/2 pads 1': { build: (b, s) => ({ out: avgPool(p(s, b, 'x', [2, 3, 11]), { kernel: 3, strides: 2, pads: 1 }) }) },
  'lstm returning sequences': {
    build: (b, s) => ({ out: lstm(p(s, b, 'x', [2, 4, 3]), { kernel: p(s, b, 'k', [3, 8], 0.7), recurrent: p(s, b, 'r', [2, 8], 0.7), bias: p(s, b, 'bias', [8]) }, true) }),
  },
  'lstm last state': {
    build: (b, s) => ({ out: lstm(p(s, b, 'x', [3, 5, 2]), { kernel: p(s, b, 'k', [2, 12], 0.7), recurrent: p(s, b, 'r', [3, 12], 0.7), bias: p(s, b, 'bias', [12]) }, false) }),
  },
  'multi-head self-attention, 2 heads': {
    build: (b, s) => ({
      out: multiHeadSelfAttention(p(s, b, 'x', [2, 5, 4]), {
        query: p(s, b, 'q', [4, 6], 0.6), key: p(s, b, 'k', [4, 6], 0.6), value: p(s, b, 'v', [4, 6], 0.6), output: p(s, b, 'o', [6, 4], 0.6),
        queryBias: p(s, b, 'qb', [6]), keyBias: p(s, b, 'kb', [6]), valueBias: p(s, b, 'vb', [6]), outputBias: p(s, b, 'ob', [4]),
      }, 2),
    }),
  },
  'additive attention pooling': {
    build: (b, s) => ({ out: additiveAttentionPool(p(s, b, 'h', [2, 6, 3]), p(s, b, 'w', [3, 4]), p(s, b, 'bias', [4]), p(s, b, 'u', [4, 1])) }),
  },
};

for (const [name, c] of Object.entries(cases)) {
  test(`gradient check: ${name}`, async () => {
    const r = await gradCheck({ build: c.build, ...(c.feeds ? { feeds: c.feeds } : {}), samples: 16 });
    assert.ok(r.checked > 0, 'nothing was checked');
    assert.ok(r.worst < 1e-2, `${name}: ${JSON.stringify(r.perParam)} (skipped ${r.skipped})`);
  });
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

test('lstm forward equals a plain-TS LSTM (Keras gate order i, f, c, o)', async () => {
  const s = new ParamStore(3);
  const b = new GraphBuilder();
  const [n, t, f, h] = [2, 3, 2, 2];
  const x = p(s, b, 'x', [n, t, f]);
  const w = { kernel: p(s, b, 'k', [f, 4 * h]), recurrent: p(s, b, 'r', [h, 4 * h]), bias: p(s, b, 'bias', [4 * h]) };
  const fwd = await compileForward(b, { y: lstm(x, w, true) }, s, { threads: 1 });
  const y = (await fwd.run({}))['y'] as Float32Array;
  await fwd.release();
  const get = (k: string): Float32Array => s.entries.get(k)?.data as Float32Array;
  const [X, K, R, B] = [get('x'), get('k'), get('r'), get('bias')];
  for (let i = 0; i < n; i++) {
    let hv = new Array<number>(h).fill(0);
    let cv = new Array<number>(h).fill(0);
    for (let step = 0; step < t; step++) {
      const z = new Array<number>(4 * h).fill(0).map((_, j) => {
        let acc = B[j] as number;
        for (let q = 0; q < f; q++) acc += (X[(i * t + step) * f + q] as number) * (K[q * 4 * h + j] as number);
        for (let q = 0; q < h; q++) acc += (hv[q] as number) * (R[q * 4 * h + j] as number);
        return acc;
      });
      cv = cv.map((c, j) => sig(z[h + j] as number) * c + sig(z[j] as number) * Math.tanh(z[2 * h + j] as number));
      hv = cv.map((c, j) => sig(z[3 * h + j] as number) * Math.tanh(c));
      hv.forEach((v, j) => assert.ok(Math.abs((y[(i * t + step) * h + j] as number) - v) < 1e-5, `h[${i},${step},${j}]`));
    }
  }
});

test('cross-entropy forward equals −mean log softmax at the label', async () => {
  const s = new ParamStore(4);
  const b = new GraphBuilder();
  const z = p(s, b, 'z', [3, 4], 5);
  const fwd = await compileForward(b, { l: sparseCategoricalCrossEntropy(z, b.input('y', [3, 4])) }, s, { threads: 1 });
  const labels = [3, 0, 1];
  const l = ((await fwd.run({ y: oneHot(labels, 4) }))['l'] as Float32Array)[0] as number;
  await fwd.release();
  const Z = s.entries.get('z')?.data as Float32Array;
  let want = 0;
  labels.forEach((lab, i) => {
    const row = [...Z.slice(i * 4, i * 4 + 4)];
    const m = Math.max(...row);
    want -= (row[lab] as number) - m - Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  });
  assert.ok(Math.abs(l - want / 3) < 1e-5, `${l} vs ${want / 3}`);
});
