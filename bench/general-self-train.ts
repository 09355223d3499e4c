// Self-training (`cryopick train --self-train`) from a general model that never saw the dataset:
// zero-label quality on the `test` images after 0, 1 and 2 rounds. The rounds learn from the
// dataset's other micrographs (`train` and `valid`) with their labels unused; `test` images are
// only scored, never picked for labels.
import os from 'node:os';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BenchSection } from './run.js';
import { quality, realSet, scoreSet, withModel } from './general-eval.js';
import { GENERAL_THRESHOLD_OFFSET } from '../src/pick/auto-threshold.js';
import { DEFAULT_BORDER_FRACTION } from '../src/pick/general-model.js';
import { DEFAULT_SELF_TRAIN_FRACTION, selfTrain } from '../src/train/self-train.js';
import type { RealDatasetId } from '../src/general/real-sources.js';

const ROUNDS = 2;
const EPOCHS = Number(process.env['CRYOPICK_SELF_TRAIN_EPOCHS'] ?? 3);
const f3 = (v: number): string => v.toFixed(3);

async function dataset(id: RealDatasetId, init: string, out: string[], notes: string[]): Promise<void> {
  const test = await realSet(id, 'test');
  const learn = [...(await realSet(id, 'train')).images, ...(await realSet(id, 'valid')).images];
  const d = test.diameterPx;
  const dir = await mkdtemp(join(tmpdir(), `cryopick-bench-self-train-${id}-`));
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  const r = await selfTrain({
    rounds: ROUNDS, startModel: init, micrographs: learn, diameterPx: d, params: { epochs: EPOCHS, threads: 1 },
    threshold: 'auto', keepFraction: DEFAULT_SELF_TRAIN_FRACTION, outDir: dir, threads: 1, onMessage: (s) => void process.stderr.write(`${s}\n`),
  });
  const c = process.cpuUsage(c0);
  const models = [init, ...r.rounds.map((x) => x.model)];
  for (const [k, path] of models.entries()) {
    const q = await withModel(path, async (m) => quality(await scoreSet(m, test), DEFAULT_BORDER_FRACTION, 'auto', GENERAL_THRESHOLD_OFFSET));
    const round = r.rounds[k - 1];
    const labels = round ? `${round.labels} (score ≥ ${round.labelCut.toFixed(2)}; ${round.aboveThreshold} ≥ threshold ${round.threshold.toFixed(2)})` : '—';
    const line = `| EMPIAR-${id} | ${k} | ${labels} | ${f3(q.ap)} | ${f3(q.bestF1)} | ${f3(q.f1)} (threshold ${q.threshold.toFixed(2)}) | ${round ? `${round.seconds} s` : '—'} |`;
    out.push(line);
    process.stderr.write(`${line}\n`);
  }
  notes.push(`EMPIAR-${id}: ${ROUNDS} rounds in ${((Date.now() - t0) / 1000).toFixed(0)} s wall, ${((c.user + c.system) / 1e6).toFixed(0)} s CPU.`);
}

export async function run(): Promise<BenchSection> {
  const load0 = os.loadavg()[0] ?? 0;
  const out: string[] = [
    `Self-training from a general model that never saw the dataset (leave-one-dataset-out), ${ROUNDS} rounds. ` +
    `Unlabelled input: the dataset's \`train\` and \`valid\` micrographs (their labels unused); the \`test\` images are never picked for labels (house rule: no training on test images; ` +
    'this also measures what the self-trained picker does on micrographs it did not learn from). ' +
    `Each round: pick (strided, border 0.5 d), automatic threshold (the rule \`pick\` uses), the top ${DEFAULT_SELF_TRAIN_FRACTION * 100} % of the picks above it as labels, ` +
    `fine-tune the previous model on them (GE-binomial, ${EPOCHS} × 40 steps, expected particles = picks above the threshold per micrograph, \`--threads 1\`). ` +
    `Quality on \`test\` as \`cryopick pick\` picks (strided, border ${DEFAULT_BORDER_FRACTION} d, automatic threshold).`, '',
    '| data | rounds | labels of the round | test AP | best F1 | F1 at the default threshold | round wall |', '|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  const inits: [RealDatasetId, string | undefined][] = [['10028', process.env['CRYOPICK_GENERAL_WITHOUT_10028']], ['10059', process.env['CRYOPICK_GENERAL_WITHOUT_10059']]];
  for (const [id, init] of inits) {
    if (init && existsSync(init)) await dataset(id, init, out, notes);
    else out.push(`| EMPIAR-${id} | not run: set CRYOPICK_GENERAL_WITHOUT_${id} to a general model trained without it | | | | | |`);
  }
  out.push('', ...notes, `Machine load average: ${load0.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.cpus().length} cores.`);
  return { title: 'General model: self-training on the target\'s unlabelled micrographs', command: 'CRYOPICK_GENERAL_WITHOUT_10028=MODEL npm run bench -- general-self-train', markdown: out.join('\n') };
}
