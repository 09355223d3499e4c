// Float32 central-difference gradient checker over the emitted backward graph, kink-aware:
// a perturbation that changes the sign of a watched pre-activation or a pool index is skipped.
import { GraphBuilder, ParamStore, compileForward, gradients, mul, reduceSum } from '../../src/engine/index.js';
import type { Feed, Var } from '../../src/engine/index.js';

export interface GradCheckCase {
  /** Builds the op under test from params declared in the store; returns the output and vars whose kinks to watch. */
  build(b: GraphBuilder, store: ParamStore): { out: Var; kinks?: Var[] };
  feeds?: Record<string, Feed>;
  seed?: number;
  /** Elements checked per parameter (random subset). */
  samples?: number;
  eps?: number;
}

export interface GradCheckResult {
  /** Worst norm-wise error ‖g_an − g_fd‖ / max(‖g_fd‖, 1% of max|g_an|·√k) over parameters (checked elements). */
  worst: number;
  perParam: Record<string, number>;
  skipped: number;
  checked: number;
}

export async function gradCheck(c: GradCheckCase): Promise<GradCheckResult> {
  const store = new ParamStore(c.seed ?? 1);
  const b = new GraphBuilder();
  const built = c.build(b, store);
  const out = built.out;
  // Every activation input and pool argmax on the tape is watched, plus any the case names.
  const kinks: Var[] = [...(built.kinks ?? [])];
  for (const e of b.tape) {
    if (e.kind === 'relu' || e.kind === 'leakyRelu' || e.kind === 'prelu') kinks.push(e.inputs[0] as Var);
    if (e.kind === 'maxPool') kinks.push((e.attrs as { indices: Var }).indices);
  }
  const r = new Float32Array(out.size);
  for (let i = 0; i < r.length; i++) r[i] = store.rng.next() * 2 - 1;
  const rv = b.constF(r, out.shape);
  const loss = reduceSum(mul(out, rv));
  const params = [...b.params.values()].filter((p) => p.trainable).map((p) => p.var);
  const grads = gradients(loss, params);
  const outputs: Record<string, Var> = { loss };
  params.forEach((p, i) => (outputs[`g_${p.name}`] = grads[i] as Var));
  kinks.forEach((k, i) => (outputs[`k${i}`] = k.dtype === 'float32' ? b.emit('Sign', [k], {}, k.shape) : b.emit('Cast', [k], { to: { kind: 'int', value: 1 } }, k.shape, 'float32')));
  const fwd = await compileForward(b, outputs, store, { threads: 1 });
  const feeds = c.feeds ?? {};
  const base = await fwd.run(feeds);
  const same = (o: Record<string, Float32Array>): boolean => kinks.every((_, i) => {
    const a = base[`k${i}`] as Float32Array;
    const bb = o[`k${i}`] as Float32Array;
    for (let j = 0; j < a.length; j++) if (a[j] !== bb[j]) return false;
    return true;
  });
  const eps = c.eps ?? 3e-3;
  let gmax = 0;
  for (const p of params) for (const v of base[`g_${p.name}`] as Float32Array) gmax = Math.max(gmax, Math.abs(v));
  const perParam: Record<string, number> = {};
  let skipped = 0;
  let checked = 0;
  for (const p of params) {
    const e = store.entries.get(p.name);
    if (!e) throw new Error('no entry');
    const an = base[`g_${p.name}`] as Float32Array;
    const n = e.data.length;
    const idx = n <= (c.samples ?? 24) ? [...Array(n).keys()] : [...Array(c.samples ?? 24)].map(() => Math.floor(store.rng.next() * n));
    let num = 0;
    let den = 0;
    let checkedHere = 0;
    for (const j of idx) {
      const orig = e.data[j] as number;
      e.data[j] = orig + eps;
      const plus = await fwd.run(feeds);
      e.data[j] = orig - eps;
      const minus = await fwd.run(feeds);
      e.data[j] = orig;
      if (!same(plus) || !same(minus)) {
        skipped++;
        continue;
      }
      const fd = (((plus['loss'] as Float32Array)[0] as number) - ((minus['loss'] as Float32Array)[0] as number)) / (2 * eps);
      num += (fd - (an[j] as number)) ** 2;
      den += fd * fd;
      checked++;
      checkedHere++;
    }
    // Norm-wise relative error, with a floor of 1% of the largest analytic gradient per element
    // so parameters whose true gradient is ~0 (e.g. a bias before BN) are judged absolutely.
    const floor = 0.01 * gmax * Math.sqrt(Math.max(1, checkedHere));
    perParam[p.name] = Math.sqrt(num) / Math.max(Math.sqrt(den), floor, 1e-12);
  }
  await fwd.release();
  return { worst: Math.max(0, ...Object.values(perParam)), perParam, skipped, checked };
}
