// The general (zero-label) model: the border and the score-distribution threshold measured on
// validation micrographs, held-out quality on the real test sets and simulated realistic
// micrographs (shipped and leave-one-dataset-out models); pick speed is general-speed.ts.
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSection } from './run.js';
import { generalModelPath, DEFAULT_BORDER_FRACTION } from '../src/pick/general-model.js';
import { GENERAL_THRESHOLD_OFFSET } from '../src/pick/auto-threshold.js';
import { readModelFile } from '../src/models/model-file.js';
import { estimateDiameter } from '../src/pick/estimate-diameter.js';
import { readMicrograph } from '../src/io/micrograph.js';
import { ensureSim, quality, realSet, scoreSet, SIM_DIR, simRealisticSet, simValidSet, withModel, type EvalSet, type ScoredSet } from './general-eval.js';

/** The general recipe's work folder (for its simulated validation micrographs), and the leave-one-out models. */
const WORK = process.env['CRYOPICK_GENERAL_WORK'] ?? join('build', 'general');
const LODO: Record<string, string | undefined> = { '10028': process.env['CRYOPICK_GENERAL_WITHOUT_10028'], '10059': process.env['CRYOPICK_GENERAL_WITHOUT_10059'] };
const BORDERS = [0, 0.25, 0.5];
const FIXED = [-2, -1, -0.5, 0, 0.5, 1, 2];
const OFFSETS = [-1.5, -1, -0.5, 0, 0.5, 1];

const f3 = (v: number): string => v.toFixed(3);
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

/** Validation sets only (never test): the border and the threshold rule are measured here. */
async function calibration(model: string, out: string[]): Promise<void> {
  const sets: EvalSet[] = [await realSet('10028', 'valid'), await realSet('10059', 'valid')];
  if (existsSync(join(WORK, 'data', 'sources.json'))) sets.push(await simValidSet(join(WORK, 'data')));
  const scored = await withModel(model, async (m) => { const r: ScoredSet[] = []; for (const s of sets) if (s.images.length) r.push(await scoreSet(m, s)); return r; });
  out.push('', 'Validation micrographs only (EMPIAR-10028 `valid`, EMPIAR-10059 `valid`, the recipe\'s simulated validation set): best F1 by border (× diameter):', '',
    `| set | ${BORDERS.map((b) => `border ${b}`).join(' | ')} |`, `|---|${BORDERS.map(() => '---|').join('')}`);
  for (const s of scored) out.push(`| ${s.set.name} | ${BORDERS.map((b) => f3(quality(s, b, 'auto').bestF1)).join(' | ')} |`);
  out.push('', 'Diameter estimated with no size given (as `cryopick pick` does on the first micrographs):', '', '| set | true diameter | estimated | confidence |', '|---|---|---|---|');
  await withModel(model, async (m) => {
    for (const s of sets.filter((x) => x.name.startsWith('EMPIAR'))) {
      const images = [];
      for (const p of s.images.slice(0, 3)) images.push(await readMicrograph(p));
      const e = await estimateDiameter(images, m);
      out.push(`| ${s.name} | ${s.diameterPx} px | ${e.diameterPx.toFixed(1)} px | ${e.confidence} (margin ${e.margin.toFixed(2)}) |`);
    }
  });
  out.push('', `F1 at each threshold rule (border ${DEFAULT_BORDER_FRACTION} d), mean over these sets (best F1 mean ${f3(mean(scored.map((s) => quality(s, DEFAULT_BORDER_FRACTION, 'auto').bestF1)))}):`, '',
    '| rule | mean F1 | per set |', '|---|---|---|');
  for (const t of FIXED) { const q = scored.map((s) => quality(s, DEFAULT_BORDER_FRACTION, t).f1); out.push(`| fixed logit ${t} | ${f3(mean(q))} | ${q.map(f3).join(', ')} |`); }
  for (const c of OFFSETS) { const q = scored.map((s) => quality(s, DEFAULT_BORDER_FRACTION, 'auto', c).f1); out.push(`| score modes, offset ${c} | ${f3(mean(q))} | ${q.map(f3).join(', ')} |`); }
}

function row(name: string, q: ReturnType<typeof quality>): string {
  return `| ${name} | ${f3(q.ap)} | ${f3(q.bestF1)} (at ${q.bestThreshold.toFixed(2)}) | ${f3(q.f1)} (P ${f3(q.precision)}, R ${f3(q.recall)}, threshold ${q.threshold.toFixed(2)}) | ${f3(q.bestF1 - q.f1)} |`;
}

async function heldOut(model: string, label: string, sets: readonly EvalSet[], out: string[]): Promise<void> {
  await withModel(model, async (m) => {
    for (const set of sets) {
      if (set.images.length === 0) { out.push(`| ${label}: ${set.name} | skipped: data absent | | | |`); continue; }
      const s = await scoreSet(m, set);
      out.push(row(`${label}: ${set.name} (${set.images.length} micrographs)`, quality(s, DEFAULT_BORDER_FRACTION, 'auto', GENERAL_THRESHOLD_OFFSET)));
    }
  });
}

export async function run(): Promise<BenchSection> {
  const load0 = os.loadavg()[0] ?? 0;
  const model = process.env['CRYOPICK_GENERAL_MODEL'] ?? generalModelPath();
  const meta = readModelFile(new Uint8Array(readFileSync(model)), model).training['general'] as Record<string, unknown> | undefined;
  const out: string[] = [`Model: \`${model.replace(process.cwd() + '/', '')}\` (${meta ? `commit ${String(meta['commit'])}, ${String(meta['date'])}; data ${JSON.stringify(meta['data'])}; data build ${String(meta['buildSeconds'])} s, training ${String(meta['trainSeconds'])} s wall` : 'no provenance'}).`,
    'Picking as `cryopick pick` does with the general model: strided inference, NMS 0.5 d, matching radius 0.25 d (Hungarian), every detection above the floor ranked by score.'];
  await ensureSim();
  await calibration(model, out);
  out.push('', `Held-out micrographs (never used to choose anything), border ${DEFAULT_BORDER_FRACTION} d, threshold from the score modes with offset ${GENERAL_THRESHOLD_OFFSET}:`, '',
    '| model: set | AP | best F1 | F1 at the default threshold | best − default |', '|---|---|---|---|---|');
  const tests = [await realSet('10028', 'test'), await realSet('10059', 'test'), await simRealisticSet(SIM_DIR, 8, 20)];
  await heldOut(model, 'shipped (trained on both sets\' train images)', tests, out);
  for (const [id, path] of Object.entries(LODO)) {
    if (path && existsSync(path)) await heldOut(path, `zero-label, trained without EMPIAR-${id}`, tests.filter((t) => t.name.includes(id) || t.name.startsWith('simulated')), out);
    else out.push(`| zero-label, trained without EMPIAR-${id} | not run (set CRYOPICK_GENERAL_WITHOUT_${id} to its model) | | | |`);
  }
  out.push('', 'Reference (BENCHMARKS.md, Training): the Topaz-style picker trained on EMPIAR-10028\'s 4 `train` images scores test AP 0.868 / best F1 0.876; trained on 8 simulated realistic micrographs, AP 0.698 / best F1 0.798 on the same 12 simulated test micrographs.');
  out.push('', 'Pick speed with the general model: section "General model: picking speed of 4096² micrographs" (`npm run bench -- general-speed`).');
  out.push('', `Machine load average at start: ${load0.toFixed(1)} on ${os.cpus().length} cores.`);
  return { title: 'General model: zero-label picking, border, threshold, speed', command: 'npm run bench -- general', markdown: out.join('\n') };
}
