// Search machinery on cheap synthetic objectives: spaces, random search, GP posterior, Bayesian
// optimisation, Hyperband's bracket table, folds, and resume after an interruption (abort signal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Random } from '../../src/random.js';
import { fromUnit, searchSpaceSchema, toUnit } from '../../src/tune/space.js';
import type { ParamSet, SearchSpace } from '../../src/tune/space.js';
import { cholesky, fitGp, matern52 } from '../../src/tune/gp.js';
import { randomSearch } from '../../src/tune/random-search.js';
import { bayesianOptimization } from '../../src/tune/bayesian.js';
import { hyperband, hyperbandBudget, hyperbandSchedule } from '../../src/tune/hyperband.js';
import { runSearch } from '../../src/tune/search.js';
import type { Objective } from '../../src/tune/search.js';
import { assignFolds, cvValues } from '../../src/tune/folds.js';
import { ConfigError } from '../../src/errors.js';

const space: SearchSpace = searchSpaceSchema.parse({
  learningRate: { type: 'log-uniform', min: 1e-5, max: 1e-1 },
  dropout: { type: 'uniform', min: 0, max: 0.5 },
  units: { type: 'int', min: 16, max: 64, step: 16 },
  model: { type: 'choice', values: ['resnet8', 'conv31'] },
});

/** Peaks (score 1) at lr = 1e-3, dropout = 0.2. */
const bowl = (p: ParamSet): number => 1 - (Math.log10(p.learningRate as number) + 3) ** 2 / 4 - ((p.dropout as number) - 0.2) ** 2;

test('space encoding: values stay in range and round-trip through [0, 1]', () => {
  fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => {
    for (const p of Object.values(space)) {
      const v = fromUnit(p, u);
      if (p.type === 'choice') assert.ok(p.values.includes(v));
      else {
        assert.ok((v as number) >= p.min - 1e-12 && (v as number) <= p.max + 1e-12);
        const back = fromUnit(p, toUnit(p, v)) as number;
        assert.ok(Math.abs(back - (v as number)) <= 1e-9 * Math.abs(v as number), `${p.type}: ${back} vs ${String(v)}`);
      }
      if (p.type === 'int') assert.ok(Number.isInteger(v));
    }
  }));
  assert.equal(fromUnit(space.units as never, 0.99), 64);
  assert.equal(fromUnit(space.units as never, 0), 16);
  assert.ok(!searchSpaceSchema.safeParse({ a: { type: 'uniform', min: 1, max: 0 } }).success);
  assert.ok(!searchSpaceSchema.safeParse({ a: { type: 'log-uniform', min: 0, max: 1 } }).success);
  assert.ok(!searchSpaceSchema.safeParse({}).success);
});

test('Cholesky reproduces A = L Lᵀ', () => {
  const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
  const l = cholesky(a, 3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += (l[i * 3 + k] as number) * (l[j * 3 + k] as number);
    assert.ok(Math.abs(s - (a[i * 3 + j] as number)) < 1e-12);
  }
  assert.throws(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2), RangeError);
});

test('GP posterior on a known function: interpolates data, matches the closed form, widens away from data', () => {
  const f = (x: number): number => Math.sin(6 * x);
  const xs = [0, 0.2, 0.4, 0.6, 0.8, 1].map((x) => [x]);
  const ys = xs.map(([x]) => f(x as number));
  const gp = fitGp(xs, ys, { lengthScale: 0.3, alpha: 1e-8 });
  for (let i = 0; i < xs.length; i++) {
    const p = gp.predict(xs[i] as number[]);
    assert.ok(Math.abs(p.mean - (ys[i] as number)) < 1e-4, `mean at data point ${i}`);
    assert.ok(p.std < 1e-3);
  }
  assert.ok(Math.abs(gp.predict([0.5]).mean - f(0.5)) < 0.05, 'close to sin(6x) between points');
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length);
  assert.ok(Math.abs(gp.predict([3]).std - sd) < 1e-3 * sd, 'far from data σ returns to the prior');
  assert.ok(Math.abs(gp.predict([3]).mean - mean) < 1e-3, 'far from data μ returns to the mean');
  assert.ok(gp.predict([0.5]).std < 0.2 * sd, 'between data points σ is small');
  // one observation: closed form μ(x) = k(x,x0)/(1+α)·(y0 − ȳ)/s + ȳ with ȳ = y0 → μ = y0; σ² = s²(1 − k²/(1+α))
  const one = fitGp([[0.5]], [2], { lengthScale: 0.5, alpha: 1e-4 });
  const k = matern52(0.25, 0.5);
  const p1 = one.predict([0.75]);
  assert.ok(Math.abs(p1.mean - 2) < 1e-12);
  assert.ok(Math.abs(p1.std - Math.sqrt(1 - (k * k) / (1 + 1e-4))) < 1e-9);
  // fitted length scale on a smooth function is finite and gives good interpolation
  const fitted = fitGp(xs, ys);
  assert.ok(fitted.lengthScale > 1e-3 && fitted.lengthScale < 1e3);
  assert.ok(Math.abs(fitted.predict([0.5]).mean - f(0.5)) < 0.1);
});

test('Hyperband bracket schedule equals Li et al.\'s table for R=81, η=3', () => {
  const table = hyperbandSchedule(81, 3).map((b) => b.rungs.map((r) => [r.configs, r.epochs]));
  assert.deepEqual(table, [
    [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
    [[34, 3], [11, 9], [3, 27], [1, 81]],
    [[15, 9], [5, 27], [1, 81]],
    [[8, 27], [2, 81]],
    [[5, 81]],
  ]);
  assert.deepEqual(hyperbandBudget(hyperbandSchedule(81, 3)).trials, 81 + 27 + 9 + 3 + 1 + 34 + 11 + 3 + 1 + 15 + 5 + 1 + 8 + 2 + 5);
  assert.throws(() => hyperbandSchedule(9, 2.5), RangeError);
});

function tmp(): string { return mkdtempSync(join(tmpdir(), 'cryopick-tune-')); }

test('Hyperband promotes the best ⌊n/η⌋ and warm-starts them', async () => {
  const dir = tmp();
  try {
    const epochsSeen: number[] = [];
    const obj: Objective = async (t) => {
      epochsSeen.push(t.epochs ?? -1);
      return { score: bowl(t.params) + 0.01 * (t.rung ?? 0), artifact: `model-${t.index}` };
    };
    const res = await runSearch(obj, { strategy: hyperband(space, { maxEpochs: 9, factor: 3, seed: 1 }), direction: 'max', stateFile: join(dir, 's.json'), identity: 'hb' });
    // R=9, η=3: s=2: 9×1, 3×3, 1×9; s=1: 5×3 (⌈3·3/2⌉=5), 1×9; s=0: 3×9
    assert.equal(res.trials.length, 9 + 3 + 1 + 5 + 1 + 3);
    const r1 = res.trials.filter((t) => t.bracket === 2 && t.rung === 1);
    const r0 = res.trials.filter((t) => t.bracket === 2 && t.rung === 0).sort((a, b) => (b.score as number) - (a.score as number));
    assert.deepEqual(r1.map((t) => t.config).sort(), r0.slice(0, 3).map((t) => t.config).sort());
    assert.ok(r1.every((t) => t.warmStart && t.epochs === 2 && t.warmStart.epochsDone === 1));
    assert.ok(res.best);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('random search and Bayesian optimisation improve on a synthetic bowl; BO beats random on average', async () => {
  const dir = tmp();
  try {
    const obj: Objective = async (t) => ({ score: bowl(t.params) });
    let rs = 0, bo = 0;
    for (const seed of [1, 2, 3]) {
      const r = await runSearch(obj, { strategy: randomSearch(space, 20, seed), direction: 'max', stateFile: join(dir, `r${seed}.json`), identity: 1 });
      const b = await runSearch(obj, { strategy: bayesianOptimization(space, { maxTrials: 20, seed, initialPoints: 6 }), direction: 'max', stateFile: join(dir, `b${seed}.json`), identity: 1 });
      assert.equal(r.trials.length, 20);
      assert.equal(b.trials.length, 20);
      rs += r.best?.score ?? -Infinity;
      bo += b.best?.score ?? -Infinity;
    }
    assert.ok(bo / 3 > 0.9, `BO mean best ${bo / 3}`);
    assert.ok(bo >= rs, `BO ${bo / 3} vs random ${rs / 3}`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('interrupt with a signal, then resume: same trials as an uninterrupted run; --overwrite starts afresh', async () => {
  const dir = tmp();
  try {
    const full = await runSearch(async (t) => ({ score: bowl(t.params) }), { strategy: bayesianOptimization(space, { maxTrials: 8, seed: 5, initialPoints: 4 }), direction: 'max', stateFile: join(dir, 'full.json'), identity: 'x' });
    const state = join(dir, 'part.json');
    const ac = new AbortController();
    let calls = 0;
    const slow: Objective = (t, { signal }) => new Promise((resolve) => {
      calls++;
      if (calls === 4) {
        signal.addEventListener('abort', () => resolve({ score: 0, interrupted: true }), { once: true });
        ac.abort(); // Ctrl+C during trial 3: it is abandoned
        return;
      }
      resolve({ score: bowl(t.params) });
    });
    const part = await runSearch(slow, { strategy: bayesianOptimization(space, { maxTrials: 8, seed: 5, initialPoints: 4 }), direction: 'max', stateFile: state, identity: 'x', signal: ac.signal });
    assert.equal(part.interrupted, true);
    assert.equal(part.trials.length, 3);
    assert.equal(part.abandonedTrial, 3);
    assert.ok(part.best);
    const rest = await runSearch(async (t) => ({ score: bowl(t.params) }), { strategy: bayesianOptimization(space, { maxTrials: 8, seed: 5, initialPoints: 4 }), direction: 'max', stateFile: state, identity: 'x' });
    assert.equal(rest.resumed, 3);
    assert.deepEqual(rest.trials.map((t) => t.params), full.trials.map((t) => t.params));
    await assert.rejects(runSearch(async () => ({ score: 1 }), { strategy: randomSearch(space, 2, 1), direction: 'max', stateFile: state, identity: 'other' }), ConfigError);
    const fresh = await runSearch(async () => ({ score: 1 }), { strategy: randomSearch(space, 2, 1), direction: 'max', stateFile: state, identity: 'other', overwrite: true });
    assert.equal(fresh.resumed, 0);
    assert.equal(fresh.trials.length, 2);
    // finish-current-trial mode: the running trial is recorded, then the search stops
    const ac2 = new AbortController();
    const keep = await runSearch(async (t) => { if (t.index === 1) ac2.abort(); return { score: 1 }; }, { strategy: randomSearch(space, 5, 1), direction: 'max', stateFile: join(dir, 'k.json'), identity: 1, signal: ac2.signal, abandonOnInterrupt: false });
    assert.equal(keep.trials.length, 2);
    assert.equal(keep.interrupted, true);
    // interrupted before any trial finished: no best
    const ac3 = new AbortController();
    ac3.abort();
    const none = await runSearch(async () => ({ score: 1 }), { strategy: randomSearch(space, 5, 1), direction: 'max', stateFile: join(dir, 'n.json'), identity: 1, signal: ac3.signal });
    assert.equal(none.best, undefined);
    assert.equal(none.trials.length, 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('failed trials (NaN score) are recorded and never chosen as best', async () => {
  const dir = tmp();
  try {
    const res = await runSearch(async (t) => ({ score: t.index % 2 ? Number.NaN : t.index }), { strategy: randomSearch(space, 5, 1), direction: 'max', stateFile: join(dir, 's.json'), identity: 1 });
    assert.equal(res.trials.filter((t) => t.status === 'failed').length, 2);
    assert.equal(res.best?.index, 4);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('folds: every micrograph in exactly one fold, balanced, seeded', () => {
  fc.assert(fc.property(fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 60 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (names, k, seed) => {
    const unique = new Set(names);
    if (unique.size < k) { assert.throws(() => assignFolds(names, k, seed), RangeError); return; }
    const folds = assignFolds(names, k, seed);
    const all = folds.flat();
    assert.equal(all.length, unique.size);
    assert.equal(new Set(all).size, unique.size);
    const sizes = folds.map((f) => f.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    assert.deepEqual(assignFolds(names, k, seed), folds);
  }));
  assert.deepEqual(cvValues(0.0001, 0.0001, 3), [0.0001, 0.0002, 0.0003]);
  assert.ok(Random.fromSeeds(1).next() !== Random.fromSeeds(2).next());
});
