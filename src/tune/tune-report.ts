// Search outputs: trials.tsv (every trial with its parameters and score) and the trial plots
// (metric versus trial with the running best, and metric versus each searched parameter).
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { renderLineChart, renderScatter, writePlot } from '../report/plots.js';
import type { SearchSpace } from './space.js';
import type { Direction, TrialRecord } from './trial.js';
import { isBetter } from './trial.js';

const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '') : v === undefined ? '' : String(v));

/** Writes trials.tsv and the plots into dir; returns the files written. */
export async function writeTrialOutputs(dir: string, space: SearchSpace, trials: readonly TrialRecord[], direction: Direction, metric = 'validation AUPRC'): Promise<string[]> {
  const names = Object.keys(space);
  const header = ['trial', ...names, 'epochs', 'bracket', 'rung', 'status', 'score', 'seconds'];
  const rows = trials.map((t) => [t.index + 1, ...names.map((n) => t.params[n]), t.epochs, t.bracket, t.rung, t.status, t.score, t.seconds].map(fmt).join('\t'));
  const table = join(dir, 'trials.tsv');
  await writeFileAtomic(table, `${[header.join('\t'), ...rows].join('\n')}\n`, { overwrite: true });
  const done = trials.filter((t) => t.status === 'complete' && t.score !== undefined);
  if (done.length === 0) return [table];
  const running: { x: number; y: number }[] = [];
  let best: number | undefined;
  for (const t of done) {
    if (best === undefined || isBetter(t.score as number, best, direction)) best = t.score as number;
    running.push({ x: t.index + 1, y: best });
  }
  const bestTrial = done.find((t) => t.score === best) as TrialRecord;
  const files = [table];
  const svg = await renderLineChart({
    title: 'search: metric per trial', xLabel: 'trial', yLabel: metric,
    series: [{ name: 'trial', points: done.map((t) => ({ x: t.index + 1, y: t.score as number })) }, { name: 'best so far', points: running }],
    markers: [{ x: bestTrial.index + 1, y: best as number, label: `best: trial ${bestTrial.index + 1}` }],
  });
  files.push((await writePlot(join(dir, 'trials.svg'), svg, { overwrite: true })).svgPath);
  for (const name of names) {
    const spec = space[name];
    const numeric = done.every((t) => typeof t.params[name] === 'number');
    if (!numeric) continue;
    const psvg = await renderScatter({
      title: `metric versus ${name}`, xLabel: name, yLabel: metric,
      xScale: spec?.type === 'log-uniform' || (spec?.type === 'int' && spec.log) ? 'log' : 'linear',
      points: done.map((t) => ({ x: t.params[name] as number, y: t.score as number, ...(t.rung !== undefined ? { group: `${t.epochs} epochs` } : {}) })),
    });
    files.push((await writePlot(join(dir, `trials-${name}.svg`), psvg, { overwrite: true })).svgPath);
  }
  return files;
}
