// An exponential moving average of a network's weights (and batch-norm statistics) kept inside the
// fused train step: one state tensor "ema/<name>" per tensor, updated by the same session.run, so
// checkpoints and resume carry it like any state. Evaluation and export use the averaged weights.
import type { GraphBuilder, Var } from '../engine/builder.js';
import { add, mul, sub } from '../engine/ops/elementwise.js';
import type { ParamStore } from '../engine/params.js';

export const AVERAGE_PREFIX = 'ema/';

const isAverage = (name: string): boolean => name.startsWith(AVERAGE_PREFIX);

/**
 * The decay of update `step` (0-based): min(decay, (1 + step) / (10 + step)), the usual warm start,
 * so that the early average follows the weights instead of remembering their random start.
 */
export function averageDecay(decay: number, step: number): number {
  return Math.min(decay, (1 + step) / (10 + step));
}

/** Adds an average tensor for every tensor of `store`, starting at its current value. */
export function addAverages(store: ParamStore): void {
  for (const [name, e] of [...store.entries]) {
    if (isAverage(name)) continue;
    store.add(`${AVERAGE_PREFIX}${name}`, e.shape, { kind: 'const', value: 0 }, false).data = Float32Array.from(e.data);
  }
}

/**
 * Declares in graph `b` the new value of the average of every tensor the graph uses:
 * average·d + value·(1 − d), with d the fed scalar `decay` ([1]). Call after the network is built.
 */
export function emitAverageUpdates(b: GraphBuilder, store: ParamStore, decay: Var): void {
  const used = [...store.entries.keys()].filter((n) => !isAverage(n) && b.params.has(n) && store.entries.has(`${AVERAGE_PREFIX}${n}`));
  b.untaped(() => {
    for (const name of used) {
      const avg = store.use(b, `${AVERAGE_PREFIX}${name}`);
      const value = b.params.get(name)?.var as Var;
      b.setState(avg.name, add(avg, mul(sub(value, avg), sub(1, decay))));
    }
  });
}

/**
 * The averaged weights of a tensor map holding averages (a store's values or a checkpoint's),
 * under the tensors' own names; a map without averages is returned as it is.
 */
export function averagedWeights(values: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of values) {
    if (isAverage(name)) continue;
    out.set(name, Float32Array.from(values.get(`${AVERAGE_PREFIX}${name}`) ?? v));
  }
  return out;
}

/** Runs `fn` with the store holding the averaged weights, then puts the trained weights back. */
export async function withAveragedWeights<T>(store: ParamStore, fn: () => Promise<T>): Promise<T> {
  const saved = new Map<string, Float32Array>();
  for (const [name, e] of store.entries) {
    const avg = store.entries.get(`${AVERAGE_PREFIX}${name}`);
    if (isAverage(name) || !avg) continue;
    saved.set(name, e.data);
    e.data = avg.data;
  }
  try {
    return await fn();
  } finally {
    for (const [name, data] of saved) (store.entries.get(name) as { data: Float32Array }).data = data;
  }
}
