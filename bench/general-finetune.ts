// Fine-tuning from a general model against training from scratch on EMPIAR-10028: best F1 on the
// `test` images versus the number of labelled `train` micrographs (1, 2, 4), with the training's
// wall and CPU time. The init must be a general model that never saw EMPIAR-10028 (leave-one-out).
import os from 'node:os';
import { existsSync } from 'node:fs';
import type { BenchSection } from './run.js';
import { empiar10028, E28_PARAMS, type QualityResult } from './train.js';
import { quality, realSet, scoreSet, withModel } from './general-eval.js';
import { canonicalFactor } from '../src/pick/canonical-scale.js';
import type { TrainParamsInput } from '../src/train/params.js';
import { FINETUNE_EPOCHS } from '../src/train/fine-tune-defaults.js';

const INIT = process.env['CRYOPICK_GENERAL_WITHOUT_10028'];
const D = 56;

const f3 = (v: number): string => v.toFixed(3);

type Run = QualityResult & { readonly load: readonly [number, number] };

function row(how: string, n: number, q: Run): string {
  return `| ${how} | ${n} | ${f3(q.ap)} | ${f3(q.bestF1)} (P ${f3(q.precision)}, R ${f3(q.recall)}) | ${q.trainSeconds.toFixed(0)} s | ${(q.trainCpuSeconds ?? 0).toFixed(0)} s | ${q.bestEpoch} of ${q.train.epochs.length} | ${q.load[0].toFixed(1)} → ${q.load[1].toFixed(1)} |`;
}

export async function run(): Promise<BenchSection> {
  const load0 = os.loadavg()[0] ?? 0;
  const out: string[] = [];
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  if (!INIT || !existsSync(INIT)) {
    out.push('Not run: set CRYOPICK_GENERAL_WITHOUT_10028 to a general model trained without EMPIAR-10028 (`npm run train-general -- --without 10028`).');
    return { title: 'General model: fine-tuning on EMPIAR-10028 versus training from scratch', command: 'CRYOPICK_GENERAL_WITHOUT_10028=MODEL npm run bench -- general-finetune', markdown: out.join('\n') };
  }
  const test = await realSet('10028', 'test');
  const zero = await withModel(INIT, async (m) => scoreSet(m, test));
  const [z0, z5] = [quality(zero, 0, 'auto'), quality(zero, 0.5, 'auto')];
  out.push(`Init: a general model trained WITHOUT EMPIAR-10028 (the shipped model saw its \`train\` images, so fine-tuning it would not be an honest measurement). ` +
    `Labelled micrographs: the first N of EMPIAR-10028 \`train\`; epoch and NMS distance chosen on \`valid\`; quality on the 5 \`test\` images as in "Training" ` +
    `(dense scores, no border, matching radius 0.25 d). From scratch: the training defaults with downsampling 3 (10 × 40 steps). ` +
    `Fine-tuned: \`train --init MODEL\` at the general model's canonical scale (downsampling ${canonicalFactor(D).toFixed(2)}), ${FINETUNE_EPOCHS} × 40 steps (the \`--init\` default, a fifth of the steps). ` +
    'Every run `--threads 1`, one after another in one process.', '',
    `Zero labels (the init itself, picked as \`cryopick pick\` does, strided): test AP ${f3(z0.ap)}, best F1 ${f3(z0.bestF1)} with no border (${f3(z5.ap)} / ${f3(z5.bestF1)} with the default border 0.5 d).`, '',
    '| training | labelled micrographs | test AP | best F1 | train wall | train CPU | best epoch | load (1 min) at start → end |', '|---|---|---|---|---|---|---|---|');
  const scratch: Partial<TrainParamsInput> = { ...E28_PARAMS, threads: 1 };
  // the fine-tuning default (`train --init`: FINETUNE_EPOCHS × 40 steps)
  const tuned: Partial<TrainParamsInput> = { init: INIT, downsample: canonicalFactor(D), threads: 1 };
  const results: Record<string, Run> = {};
  // the target's pair first (fine-tuned on 1, from scratch on 4), so a stopped run still answers it
  // (CRYOPICK_FINETUNE_RUNS, e.g. "tuned:1,tuned:2": a subset on a busy machine)
  const runs = (process.env['CRYOPICK_FINETUNE_RUNS'] ?? 'tuned:1,scratch:4,tuned:2,tuned:4,scratch:1,scratch:2').split(',').map((r) => {
    const [how, n] = r.split(':');
    return [how === 'scratch' ? 'from scratch' : 'fine-tuned from general', how === 'scratch' ? scratch : tuned, Number(n)] as const;
  });
  for (const [how, p, n] of runs) {
    log(`${how}, ${n} labelled micrograph(s) ...`);
    const start = os.loadavg()[0] ?? 0;
    const q = { ...(await empiar10028(p, log, undefined, n, false)), load: [start, os.loadavg()[0] ?? 0] as const };
    results[`${how} ${n}`] = q;
    log(row(how, n, q));
  }
  for (const how of ['fine-tuned from general', 'from scratch']) {
    for (const n of [1, 2, 4]) { const q = results[`${how} ${n}`]; if (q) out.push(row(how, n, q)); }
  }
  const one = results['fine-tuned from general 1'];
  const four = results['from scratch 4'];
  if (one && four) {
    out.push('', `Fine-tuned on 1 labelled micrograph against from scratch on all 4: best F1 ${f3(one.bestF1)} vs ${f3(four.bestF1)}, ` +
      `wall ${one.trainSeconds.toFixed(0)} s vs ${four.trainSeconds.toFixed(0)} s (ratio ${(one.trainSeconds / four.trainSeconds).toFixed(2)}; target: best F1 ≥ the from-scratch one in ≤ 1/3 of its wall time).`);
  }
  out.push('', `Machine load average: ${load0.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.cpus().length} cores.`);
  return { title: 'General model: fine-tuning on EMPIAR-10028 versus training from scratch', command: 'CRYOPICK_GENERAL_WITHOUT_10028=MODEL npm run bench -- general-finetune', markdown: out.join('\n') };
}
