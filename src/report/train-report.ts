// Builds the HTML report of a training run from its summary.json: parameters, best epoch,
// per-epoch metric charts with the chosen epoch marked, the epoch table and diagnostics.
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { renderLineChart, svgToPng, type LineSeries } from './plots.js';
import { renderTwoAxisChart } from './two-axis-chart.js';
import type { HtmlReport, ReportImage } from './html.js';

type Epoch = Readonly<Record<string, unknown>> & { readonly epoch: number };

interface TrainSummary {
  readonly model?: string;
  readonly bestEpoch?: number;
  readonly selectMetric?: string;
  readonly interrupted?: boolean;
  readonly method?: string;
  readonly pi?: number;
  readonly seconds?: number;
  readonly epochs?: readonly Epoch[];
  readonly diagnostics?: readonly string[];
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Charts: each group is drawn when at least one of its fields has numbers. */
const CHARTS: readonly { readonly title: string; readonly yLabel: string; readonly fields: readonly string[] }[] = [
  { title: 'loss per epoch', yLabel: 'loss', fields: ['trainLoss', 'testLoss'] },
  { title: 'ranking quality per epoch', yLabel: 'value', fields: ['auprc', 'heldOutAuprc', 'precision', 'adjustedPrecision', 'trainPrecision'] },
  { title: 'learning rate per epoch', yLabel: 'learning rate', fields: ['lr'] },
];

function numeric(e: Epoch, field: string): number | undefined {
  const v = e[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads `<dir>/summary.json` written by cryopick train and assembles the report. */
export async function buildTrainReport(dir: string): Promise<HtmlReport> {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) throw new UserError('ENOENT', `${dir} is not a cryopick training folder (no summary.json)`);
  const summary = JSON.parse(await readFile(path, 'utf8')) as TrainSummary;
  const epochs = summary.epochs ?? [];
  const best = summary.bestEpoch;
  const images: ReportImage[] = [];
  const lossOf = (f: string): LineSeries => ({ name: f === 'trainLoss' ? 'train loss' : 'test loss', points: epochs.flatMap((e) => { const y = numeric(e, f); return y === undefined ? [] : [{ x: e.epoch, y }]; }) });
  const [trainLoss, testLoss] = [lossOf('trainLoss'), lossOf('testLoss')];
  const twoAxes = trainLoss.points.length > 0 && testLoss.points.length > 0;
  if (twoAxes) images.push({ title: 'loss per epoch (test loss on its own axis, right)', mime: 'image/png', data: svgToPng(await renderTwoAxisChart({ title: 'loss per epoch', xLabel: 'epoch', left: trainLoss, right: testLoss })) });
  for (const chart of CHARTS) {
    if (twoAxes && chart.fields[0] === 'trainLoss') continue;
    const series: LineSeries[] = chart.fields
      .map((f) => ({ name: f, points: epochs.flatMap((e) => { const y = numeric(e, f); return y === undefined ? [] : [{ x: e.epoch, y }]; }) }))
      .filter((s) => s.points.length > 0);
    if (series.length === 0) continue;
    const bestEpoch = epochs.find((e) => e.epoch === best);
    const first = series[0];
    const bestY = bestEpoch && first ? numeric(bestEpoch, first.name) : undefined;
    const svg = await renderLineChart({
      title: chart.title, xLabel: 'epoch', yLabel: chart.yLabel, series,
      ...(chart.fields[0] === 'lr' ? { yScale: 'log' as const } : {}),
      ...(best !== undefined && bestY !== undefined ? { markers: [{ x: best, y: bestY, label: `chosen epoch ${best}` }] } : {}),
    });
    images.push({ title: chart.title, mime: 'image/png', data: svgToPng(svg) });
  }
  // plots the trainer wrote itself, when present
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.png')).sort()) {
    images.push({ title: f, mime: 'image/png', data: await readFile(join(dir, f)) });
  }
  const columns = [...new Set(epochs.flatMap((e) => Object.keys(e).filter((k) => typeof e[k] === 'number')))];
  return {
    title: 'cryopick training report',
    subtitle: dir,
    parameters: summary.params ?? {},
    warnings: summary.diagnostics ?? [],
    sections: [
      {
        title: 'Result',
        metrics: [
          { name: 'chosen epoch', value: best },
          { name: `best ${summary.selectMetric ?? 'metric'}`, value: epochs.find((e) => e.epoch === best) ? numeric(epochs.find((e) => e.epoch === best) as Epoch, summary.selectMetric ?? 'auprc') : undefined },
          { name: 'objective', value: summary.method },
          { name: 'π (positive fraction)', value: summary.pi },
          { name: 'time (s)', value: summary.seconds === undefined ? undefined : Math.round(summary.seconds) },
          { name: 'interrupted', value: summary.interrupted === undefined ? undefined : String(summary.interrupted) },
        ],
        text: summary.model ? [`model: ${summary.model}`] : [],
        images,
        tables: [{ title: 'epochs', columns, rows: epochs.map((e) => columns.map((c) => numeric(e, c))) }],
      },
    ],
  };
}
