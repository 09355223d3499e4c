// Optimizer updates in the fused step against hand-written reference formulas (PyTorch
// semantics): SGD with momentum/Nesterov and L2, Adam with L2, AdamW, gradient-norm clipping,
// and BN running statistics (momentum 0.1, unbiased variance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, ParamStore, batchNorm, compileTrainStep, mul, reduceSum } from '../../src/engine/index.js';
import type { OptimizerConfig } from '../../src/engine/index.js';

const C = [0.5, -2, 3, 0.1];
const P0 = [1, -1, 0.5, 2];

/** Reference: loss = Σ c·p (so grad = c) plus optional L2 handled by the optimizer. */
function reference(o: OptimizerConfig, lrs: number[], clip?: number): number[] {
  const p = [...P0];
  const s1 = [0, 0, 0, 0];
  const s2 = [0, 0, 0, 0];
  lrs.forEach((lr, k) => {
    const t = k + 1;
    let g = [...C];
    const norm = Math.hypot(...g);
    if (clip !== undefined) g = g.map((v) => v * Math.min(1, clip / (norm + 1e-6)));
    if (o.kind !== 'adamw' && o.weightDecay) g = g.map((v, i) => v + (o.weightDecay ?? 0) * (p[i] as number));
    for (let i = 0; i < 4; i++) {
      const gi = g[i] as number;
      if (o.kind === 'sgd') {
        const mu = o.momentum ?? 0;
        s1[i] = mu * (s1[i] as number) + gi;
        const d = mu === 0 ? gi : o.nesterov ? gi + mu * (s1[i] as number) : (s1[i] as number);
        p[i] = (p[i] as number) - lr * d;
      } else {
        const b1 = o.beta1 ?? 0.9;
        const b2 = o.beta2 ?? 0.999;
        const eps = o.eps ?? 1e-8;
        if (o.kind === 'adamw') p[i] = (p[i] as number) * (1 - lr * o.weightDecay);
        s1[i] = b1 * (s1[i] as number) + (1 - b1) * gi;
        s2[i] = b2 * (s2[i] as number) + (1 - b2) * gi * gi;
        const mh = (s1[i] as number) / (1 - b1 ** t);
        const vh = (s2[i] as number) / (1 - b2 ** t);
        p[i] = (p[i] as number) - (lr * mh) / (Math.sqrt(vh) + eps);
      }
    }
  });
  return p;
}

const configs: [string, OptimizerConfig, number | undefined][] = [
  ['sgd plain', { kind: 'sgd' }, undefined],
  ['sgd momentum + L2', { kind: 'sgd', momentum: 0.9, weightDecay: 0.1 }, undefined],
  ['sgd nesterov', { kind: 'sgd', momentum: 0.8, nesterov: true }, undefined],
  ['adam', { kind: 'adam', beta1: 0.8, beta2: 0.99 }, undefined],
  ['adam + L2 + clipping', { kind: 'adam', weightDecay: 0.05 }, 1],
  ['adamw', { kind: 'adamw', weightDecay: 0.1 }, undefined],
  ['sgd + clipping', { kind: 'sgd', momentum: 0.5 }, 0.5],
];

for (const [name, opt, clip] of configs) {
  test(`optimizer ${name} matches the reference update`, async () => {
    const store = new ParamStore();
    store.add('p', [4], { kind: 'const', value: 0 }).data = Float32Array.from(P0);
    const b = new GraphBuilder();
    const p = store.use(b, 'p');
    const loss = reduceSum(mul(p, b.constF(C, [4])));
    const step = await compileTrainStep(loss, store, { optimizer: opt, ...(clip !== undefined ? { clipGradNorm: clip } : {}), runtime: { threads: 1 } });
    const lrs = [0.1, 0.05, 0.02];
    let gradNorm = 0;
    for (const lr of lrs) gradNorm = (await step.run({}, lr)).gradNorm;
    assert.ok(Math.abs(gradNorm - Math.hypot(...C)) < 1e-4, `grad norm ${gradNorm}`);
    const want = reference(opt, lrs, clip);
    const got = store.entries.get('p')?.data as Float32Array;
    want.forEach((w, i) => assert.ok(Math.abs(w - (got[i] as number)) < 1e-5, `p[${i}] = ${got[i]}, expected ${w}`));
    assert.equal(step.state.step, 3);
    await assert.rejects(step.run({}, Number.NaN), RangeError);
    assert.equal(step.state.step, 3);
    await step.release();
  });
}

test('BN running statistics follow PyTorch (momentum 0.1, unbiased variance)', async () => {
  const store = new ParamStore();
  const b = new GraphBuilder();
  const x = b.input('x', [4, 2, 3, 1]);
  const g = store.declare(b, 'g', [2], { kind: 'const', value: 1 });
  const be = store.declare(b, 'be', [2], { kind: 'const', value: 0 });
  const mean = store.declare(b, 'm', [2], { kind: 'const', value: 0 }, false);
  const variance = store.declare(b, 'v', [2], { kind: 'const', value: 1 }, false);
  const y = batchNorm(x, g, be, { training: true, running: { mean, variance } });
  const step = await compileTrainStep(reduceSum(mul(y, y)), store, { optimizer: { kind: 'sgd' }, runtime: { threads: 1 } });
  const xs = new Float32Array(24).map((_, i) => Math.sin(i * 1.3) * 2 + (Math.floor(i / 3) % 2));
  await step.run({ x: xs }, 0);
  for (let c = 0; c < 2; c++) {
    const vals: number[] = [];
    for (let n = 0; n < 4; n++) for (let h = 0; h < 3; h++) vals.push(xs[n * 6 + c * 3 + h] as number);
    const mu = vals.reduce((a, v) => a + v, 0) / vals.length;
    const unbiased = vals.reduce((a, v) => a + (v - mu) ** 2, 0) / (vals.length - 1);
    assert.ok(Math.abs((store.entries.get('m')?.data[c] as number) - 0.1 * mu) < 1e-5);
    assert.ok(Math.abs((store.entries.get('v')?.data[c] as number) - (0.9 + 0.1 * unbiased)) < 1e-5);
  }
  await step.release();
});
