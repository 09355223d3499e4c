// Cross-validation outputs: the table of every run (TSV), the per-value summary (mean ± sd across
// folds), the dataset manifest, and the CV plot (metric per value, mean ± sd, best marked).
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { renderLineChart, writePlot } from '../report/plots.js';
import type { DatasetManifest } from './manifest.js';
import type { TrialRecord } from './trial.js';
import { heldOutColumn, heldOutLabel, type HeldOutMetric } from './held-out-score.js';

export interface CvSummaryRow {
  readonly value: number;
  readonly mean: number;
  /** Sample standard deviation across folds (0 with one fold finished). */
  readonly sd: number;
  readonly n: number;
  readonly scores: readonly number[];
  /** The epoch whose held-out score, averaged over folds, is highest (Topaz tutorial step 3). */
  readonly bestEpoch: number | undefined;
  readonly bestEpochMean: number | undefined;
}

/** Mean and sd of the held-out score per value (finished runs only). */
export function summariseCv(runs: readonly TrialRecord[], parameter: string, values: readonly number[], metric: HeldOutMetric = 'heldOutAuprc'): CvSummaryRow[] {
  return values.map((value) => {
    const done = runs.filter((r) => r.params[parameter] === value && r.status === 'complete' && r.score !== undefined);
    const scores = done.map((r) => r.score as number);
    const n = scores.length;
    const mean = n ? scores.reduce((a, b) => a + b, 0) / n : Number.NaN;
    const sd = n > 1 ? Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    let bestEpoch: number | undefined, bestEpochMean: number | undefined;
    for (let e = 1; n > 0; e++) {
      const vals = done.map((r) => r.metrics?.[`${metric}@${e}`]).filter((v): v is number => v !== undefined);
      if (vals.length < n) break; // only epochs every fold reached
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      if (bestEpochMean === undefined || m > bestEpochMean) { bestEpochMean = m; bestEpoch = e; }
    }
    return { value, mean, sd, n, scores, bestEpoch, bestEpochMean };
  });
}

const fmt = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toPrecision(6))));

/** Writes cv-runs.tsv, cv-summary.tsv, dataset-manifest.json and cv-plot.svg/.png into outDir. */
export async function writeCvOutputs(outDir: string, parameter: string, runs: readonly TrialRecord[], summary: readonly CvSummaryRow[],
  best: CvSummaryRow | undefined, manifest: DatasetManifest, metric: HeldOutMetric = 'heldOutAuprc'): Promise<{ table: string; summary: string; plot: string }> {
  const column = heldOutColumn(metric);
  const table = join(outDir, 'cv-runs.tsv');
  const lines = [['run', parameter, 'fold', 'status', column, 'best_epoch', 'epochs', 'seconds', 'model'].join('\t')];
  for (const r of runs) {
    lines.push([r.index + 1, r.params[parameter], (r.params.fold as number) + 1, r.status, fmt(r.score), fmt(r.metrics?.bestEpoch), fmt(r.metrics?.epochs),
      r.seconds.toFixed(1), r.artifact ?? ''].join('\t'));
  }
  await writeFileAtomic(table, `${lines.join('\n')}\n`, { overwrite: true });
  const summaryPath = join(outDir, 'cv-summary.tsv');
  const sl = [[parameter, `mean_${column}`, 'sd', 'folds_done', 'best', 'best_epoch_by_mean', `mean_${column.replace('heldout_', '')}_at_that_epoch`].join('\t')];
  for (const s of summary) sl.push([s.value, fmt(s.mean), fmt(s.sd), s.n, best && s.value === best.value ? '*' : '', s.bestEpoch ?? '', fmt(s.bestEpochMean)].join('\t'));
  await writeFileAtomic(summaryPath, `${sl.join('\n')}\n`, { overwrite: true });
  await writeFileAtomic(join(outDir, 'dataset-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { overwrite: true });
  const folds = [...new Set(runs.map((r) => r.params.fold as number))].sort((a, b) => a - b);
  const done = summary.filter((s) => s.n > 0);
  const positive = done.every((s) => s.value > 0);
  const spread = done.length > 1 ? Math.max(...done.map((s) => s.value)) / Math.min(...done.map((s) => s.value)) : 1;
  const svg = await renderLineChart({
    title: `cross-validation of ${parameter}`, xLabel: parameter, yLabel: heldOutLabel(metric),
    xScale: positive && spread >= 20 ? 'log' : 'linear',
    series: [
      { name: 'mean ± sd', points: done.map((s) => ({ x: s.value, y: s.mean, yErr: s.sd })) },
      ...folds.map((f) => ({ name: `fold ${f + 1}`, points: runs.filter((r) => r.params.fold === f && r.status === 'complete').map((r) => ({ x: r.params[parameter] as number, y: r.score as number })) })),
    ],
    markers: best ? [{ x: best.value, y: best.mean, label: `best ${parameter} = ${best.value}` }] : [],
  });
  const plot = join(outDir, 'cv-plot.svg');
  await writePlot(plot, svg, { overwrite: true });
  return { table, summary: summaryPath, plot };
}
