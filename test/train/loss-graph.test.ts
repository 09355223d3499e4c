// The ONNX loss graphs against the float64 reference: values and gradients (finite differences).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/engine/builder.js';
import { gradients } from '../../src/engine/backward.js';
import { serializeGraph } from '../../src/engine/onnx-serialize.js';
import { Session } from '../../src/engine/runtime.js';
import { buildLossGraph } from '../../src/train/loss-graph.js';
import { referenceLoss, type LossSettings } from '../../src/train/loss-reference.js';

const M = 24;
function data(seed: number): { s: Float32Array; y: Float32Array } {
  let a = seed;
  const r = (): number => { a = (a * 1103515245 + 12345) % 2147483648; return a / 2147483648; };
  const s = Float32Array.from({ length: M }, () => 4 * r() - 2.5);
  const y = Float32Array.from({ length: M }, (_, i) => (i % 5 === 0 ? 1 : 0));
  return { s, y };
}

async function runGraph(o: LossSettings, s: Float32Array, y: Float32Array): Promise<{ obj: number; rep: number; grad: Float32Array }> {
  const g = new GraphBuilder();
  const logits = g.param('logits', [2, 1, 3, 4]);
  const labels = g.input('labels', [M]);
  const lg = buildLossGraph(g, logits, labels, o);
  const [grad] = gradients(lg.objective, [logits]);
  const bytes = serializeGraph(g, { outputs: { obj: lg.objective, rep: lg.reported, grad: grad! } });
  const sess = await Session.create(bytes, { threads: 1 });
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = { logits: { data: s, dims: [2, 1, 3, 4] }, labels: { data: y, dims: [M] } };
  for (const [k, v] of lg.feedsFor(y)) feeds[k] = { data: v.data, dims: v.shape };
  const out = await sess.run(feeds);
  await sess.release();
  return { obj: (out.obj!.data as Float32Array)[0]!, rep: (out.rep!.data as Float32Array)[0]!, grad: out.grad!.data as Float32Array };
}

const cases: LossSettings[] = [
  { method: 'PN', pi: 0.1, slack: 1, classWeight: 2 },
  { method: 'PU', pi: 0.3, slack: 1, classWeight: 1 },
  { method: 'PU', pi: 0.95, slack: 1, classWeight: 1 },
  { method: 'GE-KL', pi: 0.05, slack: 10, classWeight: 1 },
  { method: 'GE-binomial', pi: 0.05, slack: 1, classWeight: 1 },
  { method: 'GE-binomial', pi: 0.2, slack: 3, classWeight: 1.5 },
  { method: 'GE-binomial', pi: 0.1, slack: 1, classWeight: 1, penaltyScale: 0.25 },
];

for (const o of cases) {
  test(`loss graph ${o.method} π=${o.pi} matches the reference value and gradient`, async () => {
    const { s, y } = data(7);
    const got = await runGraph(o, s, y);
    const ref = referenceLoss(s, y, o);
    assert.ok(Math.abs(got.obj - ref.objective) < 1e-4 * Math.max(1, Math.abs(ref.objective)), `objective ${got.obj} vs ${ref.objective}`);
    assert.ok(Math.abs(got.rep - ref.reported) < 1e-4 * Math.max(1, Math.abs(ref.reported)), `reported ${got.rep} vs ${ref.reported}`);
    const eps = 1e-4;
    for (let i = 0; i < M; i += 3) {
      const sp = Float64Array.from(s); sp[i] = (sp[i] as number) + eps;
      const sm = Float64Array.from(s); sm[i] = (sm[i] as number) - eps;
      const fd = (referenceLoss(sp, y, o).objective - referenceLoss(sm, y, o).objective) / (2 * eps);
      assert.ok(Math.abs((got.grad[i] as number) - fd) < 2e-3 * Math.max(1, Math.abs(fd)), `d/ds[${i}] ${got.grad[i]} vs ${fd}`);
    }
  });
}

// Known negatives (label −1): every objective with its negative term, against the reference.
const negCases: LossSettings[] = [
  { method: 'PN', pi: 0.1, slack: 1, classWeight: 2, negativeWeight: 1 },
  { method: 'PU', pi: 0.3, slack: 1, classWeight: 1, negativeWeight: 2 },
  { method: 'PU', pi: 0.95, slack: 1, classWeight: 1, negativeWeight: 1 },
  { method: 'GE-KL', pi: 0.05, slack: 10, classWeight: 1, negativeWeight: 0.5 },
  { method: 'GE-binomial', pi: 0.1, slack: 1, classWeight: 1, negativeWeight: 1, penaltyScale: 0.5 },
];

for (const o of negCases) {
  test(`loss graph ${o.method} π=${o.pi} with known negatives matches the reference value and gradient`, async () => {
    const { s } = data(11);
    const y = Float32Array.from({ length: M }, (_, i) => (i % 5 === 0 ? 1 : i % 4 === 1 ? -1 : 0));
    const got = await runGraph(o, s, y);
    const ref = referenceLoss(s, y, o);
    assert.ok(Math.abs(got.obj - ref.objective) < 1e-4 * Math.max(1, Math.abs(ref.objective)), `objective ${got.obj} vs ${ref.objective}`);
    assert.ok(Math.abs(got.rep - ref.reported) < 1e-4 * Math.max(1, Math.abs(ref.reported)), `reported ${got.rep} vs ${ref.reported}`);
    const eps = 1e-4;
    for (let i = 0; i < M; i += 2) {
      const sp = Float64Array.from(s); sp[i] = (sp[i] as number) + eps;
      const sm = Float64Array.from(s); sm[i] = (sm[i] as number) - eps;
      const fd = (referenceLoss(sp, y, o).objective - referenceLoss(sm, y, o).objective) / (2 * eps);
      assert.ok(Math.abs((got.grad[i] as number) - fd) < 2e-3 * Math.max(1, Math.abs(fd)), `d/ds[${i}] ${got.grad[i]} vs ${fd}`);
    }
    // a known negative with a high score is penalised: raising its logit raises the objective
    const k = 1; // y[1] = −1
    const up = Float64Array.from(s); up[k] = (up[k] as number) + 1;
    assert.ok(referenceLoss(up, y, o).objective > ref.objective, 'a known negative scored higher costs more');
    // without known negatives in the batch the negative term vanishes: same value as the plain objective
    const y01 = y.map((v) => (v > 0 ? 1 : 0));
    const { negativeWeight: _g, ...plain } = o;
    const a = referenceLoss(s, y01, o).objective;
    const b = referenceLoss(s, y01, plain).objective;
    assert.ok(Math.abs(a - b) < 1e-9, `no negatives: ${a} vs ${b}`);
  });
}
