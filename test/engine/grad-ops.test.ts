// Central-difference gradient checks for every op rule, in several configurations
// (broadcasting, stride, dilation, padding, groups, batch sizes, every conv dW path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, avgPool, clamp, concat, conv, convTranspose, div, exp, gemm, layerNorm, leakyRelu, log, matmul, maximum, maxPool,
  mul, pad, prelu, reduceMean, reduceSum, relu, reshape, resize, sigmoid, slice, softmax, softplus, spaceToDepth, sqrt, sub, tanh, transpose,
  weightedSquaredError,
} from '../../src/engine/index.js';
import type { GraphBuilder, ParamStore, Var } from '../../src/engine/index.js';
import { weightGradPath } from '../../src/engine/grad/conv.js';
import { gradCheck } from './_gradcheck.js';

type Build = (b: GraphBuilder, s: ParamStore) => { out: Var; kinks?: Var[] };
const U = (bound = 1) => ({ kind: 'uniform', bound }) as const;
const p = (s: ParamStore, b: GraphBuilder, name: string, shape: number[], bound = 1): Var => s.declare(b, name, shape, U(bound));
/** The indices output of the last recorded maxPool (a kink to watch). */
const lastPoolIndices = (b: GraphBuilder): Var => {
  for (let i = b.tape.length - 1; i >= 0; i--) {
    const e = b.tape[i];
    if (e?.kind === 'maxPool') return (e.attrs as { indices: Var }).indices;
  }
  throw new Error('no pool');
};

const cases: Record<string, Build> = {
  'add/sub/mul/div with broadcasting': (b, s) => {
    const a = p(s, b, 'a', [2, 3, 4]);
    const c = p(s, b, 'c', [3, 1]);
    const d = p(s, b, 'd', [4]);
    return { out: div(mul(add(a, c), sub(a, d)), add(exp(c), 1)) };
  },
  'maximum (kink-aware)': (b, s) => {
    const a = p(s, b, 'a', [3, 5]);
    const c = p(s, b, 'c', [5]);
    return { out: maximum(a, c), kinks: [sub(a, c)] };
  },
  'relu, leakyRelu, prelu per channel': (b, s) => {
    const x = p(s, b, 'x', [2, 3, 4, 4]);
    const a = s.declare(b, 'a', [1, 3, 1, 1], { kind: 'const', value: 0.2 });
    return { out: add(add(relu(x), leakyRelu(x, 0.1)), prelu(x, a)), kinks: [x] };
  },
  'sigmoid, tanh, softplus, exp, log, sqrt': (b, s) => {
    const x = p(s, b, 'x', [4, 5], 2);
    return { out: add(add(sigmoid(x), tanh(x)), add(log(add(softplus(x), 0.5)), sqrt(add(exp(x), 0.1)))) };
  },
  'clamp (kink-aware)': (b, s) => {
    const x = p(s, b, 'x', [30], 2);
    return { out: clamp(x, -0.5, 0.7), kinks: [sub(x, -0.5), sub(x, 0.7)] };
  },
  'reduceSum over axes, reduceMean over all, keepDims': (b, s) => {
    const x = p(s, b, 'x', [2, 3, 4]);
    return { out: add(mul(x, reduceSum(x, [0, 2], true)), add(reduceSum(x, [0]), reduceMean(mul(x, x)))) };
  },
  'reduceMean keepDims broadcast back': (b, s) => {
    const x = p(s, b, 'x', [2, 3, 4]);
    return { out: sub(x, reduceMean(x, [1, 2], true)) };
  },
  'conv 3×3 C=2 (trick dW), pads 1, batch 3': (b, s) => ({ out: conv(p(s, b, 'x', [3, 2, 7, 7]), p(s, b, 'w', [3, 2, 3, 3]), p(s, b, 'bias', [3]), { pads: 1 }) }),
  'conv 3×3 C=8 (im2col dW), stride 2, dilation 2': (b, s) => ({ out: conv(p(s, b, 'x', [2, 8, 13, 13]), p(s, b, 'w', [4, 8, 3, 3], 0.3), null, { strides: 2, dilations: 2 }) }),
  'conv 3×3 C=8 im2col, dilation 2, asymmetric pads': (b, s) => ({ out: conv(p(s, b, 'x', [1, 8, 12, 11]), p(s, b, 'w', [3, 8, 3, 3], 0.3), null, { dilations: 2, pads: [1, 0, 2, 1] }) }),
  'grouped conv groups 2 (im2col), stride 2': (b, s) => ({ out: conv(p(s, b, 'x', [2, 8, 12, 12]), p(s, b, 'w', [6, 4, 3, 3], 0.3), null, { groups: 2, strides: 2, pads: 1 }) }),
  'depthwise conv groups 4, trick-ineligible': (b, s) => ({ out: conv(p(s, b, 'x', [2, 4, 9, 9]), p(s, b, 'w', [4, 1, 3, 3]), null, { groups: 4 }) }),
  'conv 1×1 (matmul dW)': (b, s) => ({ out: conv(p(s, b, 'x', [2, 5, 6, 6]), p(s, b, 'w', [3, 5, 1, 1]), p(s, b, 'bias', [3])) }),
  'conv 1×1 stride 2': (b, s) => ({ out: conv(p(s, b, 'x', [2, 5, 7, 7]), p(s, b, 'w', [3, 5, 1, 1]), null, { strides: 2 }) }),
  'conv 7×7 stride 2 C=1 (trick) and few output pixels': (b, s) => ({ out: conv(p(s, b, 'x', [2, 1, 13, 13]), p(s, b, 'w', [2, 1, 7, 7], 0.3), null, { strides: 2 }) }),
  'conv1d stride 2 dilation 2 pads': (b, s) => ({ out: conv(p(s, b, 'x', [2, 3, 20]), p(s, b, 'w', [4, 3, 3]), p(s, b, 'bias', [4]), { strides: 2, dilations: 2, pads: 1 }) }),
  'convTranspose stride 2, output padding 1, bias': (b, s) => ({ out: convTranspose(p(s, b, 'x', [2, 3, 5, 5]), p(s, b, 'w', [3, 2, 3, 3]), p(s, b, 'bias', [2]), { strides: 2, outputPadding: 1, pads: 1 }) }),
  'convTranspose groups 2, dilation 2 (4×4 kernel)': (b, s) => ({ out: convTranspose(p(s, b, 'x', [1, 4, 4, 4]), p(s, b, 'w', [4, 3, 4, 4]), null, { groups: 2, dilations: 2 }) }),
  'convTranspose1d stride 3': (b, s) => ({ out: convTranspose(p(s, b, 'x', [2, 2, 6]), p(s, b, 'w', [2, 3, 4]), null, { strides: 3 }) }),
  'layerNorm over last two axes': (b, s) => ({ out: layerNorm(p(s, b, 'x', [3, 4, 5]), p(s, b, 'g', [4, 5]), p(s, b, 'beta', [5]), -2) }),
  'maxPool 3/2 overlapping (kink-aware)': (b, s) => {
    const y = maxPool(p(s, b, 'x', [2, 3, 9, 9]), { kernel: 3, strides: 2 });
    return { out: y, kinks: [lastPoolIndices(b)] };
  },
  'maxPool 2/2 with pads': (b, s) => {
    const y = maxPool(p(s, b, 'x', [1, 2, 7, 7]), { kernel: 2, pads: [1, 1, 0, 0] });
    return { out: y, kinks: [lastPoolIndices(b)] };
  },
  'avgPool 3/2 pads 1': (b, s) => ({ out: avgPool(p(s, b, 'x', [2, 3, 9, 10]), { kernel: 3, strides: 2, pads: 1 }) }),
  'matmul batched with broadcasting': (b, s) => ({ out: matmul(p(s, b, 'a', [2, 3, 4, 5]), p(s, b, 'c', [3, 5, 2])) }),
  'gemm transB and plain': (b, s) => {
    const x = p(s, b, 'x', [4, 5]);
    return { out: add(gemm(x, p(s, b, 'w', [3, 5]), p(s, b, 'bias', [3])), gemm(x, p(s, b, 'w2', [5, 3]), null, false)) };
  },
  'reshape, transpose, concat': (b, s) => {
    const x = p(s, b, 'x', [2, 3, 4]);
    const y = p(s, b, 'y', [2, 3, 2]);
    return { out: transpose(reshape(concat([x, y, x], 2), [6, 10]), [1, 0]) };
  },
  'slice with offsets and steps 2 and 3': (b, s) => ({ out: slice(p(s, b, 'x', [2, 3, 10, 11]), { starts: [1, 2], ends: [-1, 10], axes: [2, 3], steps: [2, 3] }) }),
  'pad constant': (b, s) => ({ out: mul(pad(p(s, b, 'x', [2, 3, 4]), [0, 1, 2, 0, 2, 1], 0.5), 2) }),
  'resize nearest ×2 ×3': (b, s) => ({ out: resize(p(s, b, 'x', [1, 2, 3, 4]), [1, 1, 2, 3]) }),
  'spaceToDepth 2 (reorg passthrough) concatenated with a coarser map': (b, s) => {
    const x = p(s, b, 'x', [2, 3, 4, 6]);
    const y = p(s, b, 'y', [2, 2, 2, 3]);
    return { out: concat([spaceToDepth(x, 2), y], 1) };
  },
  'upsample ×2 concatenated with a finer map (PhosaurusNet passthrough)': (b, s) => {
    const x = p(s, b, 'x', [1, 2, 2, 3]);
    const y = p(s, b, 'y', [1, 3, 4, 6]);
    return { out: concat([leakyRelu(y, 0.1), resize(x, [1, 1, 2, 2])], 1), kinks: [y] };
  },
  'YOLO heads: weighted squared error of sigmoid offsets and sqrt(exp) sizes under a mask': (b, s) => {
    const z = p(s, b, 'z', [2, 4, 3, 3], 1.5);
    const t = b.constF(Float32Array.from({ length: 72 }, (_, i) => (i * 0.37) % 1), [2, 4, 3, 3]);
    const m = b.constF(Float32Array.from({ length: 18 }, (_, i) => (i % 3 === 0 ? 5 : 0.5)), [2, 1, 3, 3]);
    const xy = sigmoid(slice(z, { starts: [0], ends: [2], axes: [1] }));
    const wh = sqrt(exp(slice(z, { starts: [2], ends: [4], axes: [1] })));
    return { out: weightedSquaredError(concat([xy, wh], 1), t, m) };
  },
  'softmax over axis 1': (b, s) => ({ out: softmax(p(s, b, 'x', [3, 5, 2], 2), 1) }),
};

for (const [name, build] of Object.entries(cases)) {
  test(`gradient check: ${name}`, async () => {
    const r = await gradCheck({ build, samples: 20 });
    assert.ok(r.checked > 0, 'nothing was checked');
    assert.ok(r.worst < 1e-2, `${name}: ${JSON.stringify(r.perParam)} (skipped ${r.skipped})`);
  });
}

test('conv dW auto-rule picks each measured path', () => {
  const geo = (k: number, s = 1, groups = 1) => ({ kernel: [k, k], strides: [s, s], dilations: [1, 1], pads: [0, 0, 0, 0], groups });
  assert.equal(weightGradPath([256, 1, 71, 71], [256, 32, 33, 33], geo(7, 2)), 'trick');
  assert.equal(weightGradPath([256, 32, 33, 33], [256, 32, 31, 31], geo(3)), 'im2col');
  assert.equal(weightGradPath([256, 64, 20, 20], [256, 128, 20, 20], geo(1)), 'matmul1x1');
  assert.equal(weightGradPath([256, 64, 6, 6], [256, 128, 2, 2], geo(5)), 'trick');
  assert.equal(weightGradPath([2, 8, 12, 12], [2, 6, 6, 6], geo(3, 2, 2)), 'im2col');
});
