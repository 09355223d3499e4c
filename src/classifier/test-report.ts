// Held-out evaluation of a classifier: accuracy, per-class precision / recall / F1, the confusion
// matrix as TSV and as a heat-map plot, and the report page with the training curves.
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeHtmlReport, type ReportImage, type ReportSection } from '../report/html.js';
import { renderLineChart, renderVegaLite, svgToPng, writePlot } from '../report/plots.js';
import type { EpochMetrics } from './fit.js';

export interface ClassMetrics { readonly precision: number; readonly recall: number; readonly f1: number; readonly support: number }

export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly perClass: readonly ClassMetrics[];
  /** confusion[true][predicted]. */
  readonly confusion: readonly (readonly number[])[];
}

/** Metrics from true labels and predictions. */
export function classificationMetrics(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): ClassificationMetrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) (confusion[labels[i] as number] as number[])[predictions[i] as number]! += 1;
  const perClass = confusion.map((row, k) => {
    const tp = row[k] as number;
    const support = row.reduce((a, v) => a + v, 0);
    const predicted = confusion.reduce((a, r) => a + (r[k] as number), 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  const correct = confusion.reduce((a, r, k) => a + (r[k] as number), 0);
  return { accuracy: labels.length > 0 ? correct / labels.length : Number.NaN, perClass, confusion };
}

/** The confusion matrix as TSV: rows = true class, columns = predicted class. */
export function confusionTsv(m: ClassificationMetrics, classes: readonly string[]): string {
  const head = ['true\\predicted', ...classes].join('\t');
  return `${[head, ...m.confusion.map((row, k) => [classes[k], ...row].join('\t'))].join('\n')}\n`;
}

/** A heat map of the confusion matrix with counts in the cells. */
export async function renderConfusion(m: ClassificationMetrics, classes: readonly string[], title: string): Promise<string> {
  const values = m.confusion.flatMap((row, t) => row.map((count, p) => ({ true: classes[t], predicted: classes[p], count })));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, width: 60 * classes.length, height: 60 * classes.length,
    data: { values },
    encoding: { x: { field: 'predicted', type: 'nominal', sort: [...classes] }, y: { field: 'true', type: 'nominal', sort: [...classes] } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' } } } },
      { mark: { type: 'text', fontSize: 13 }, encoding: { text: { field: 'count', type: 'quantitative' } } },
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

/** Writes confusion_<name>.tsv / .svg / .png into a folder path function; returns the SVG. */
export async function writeConfusion(path: (f: string) => string, name: string, m: ClassificationMetrics, classes: readonly string[]): Promise<string> {
  await writeFileAtomic(path(`confusion_${name}.tsv`), confusionTsv(m, classes), { overwrite: true });
  const svg = await renderConfusion(m, classes, `${name} confusion matrix (rows: true class)`);
  await writePlot(path(`confusion_${name}.svg`), svg, { overwrite: true });
  return svg;
}

const pct = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');

function metricsSection(title: string, m: ClassificationMetrics, classes: readonly string[], svg: string): ReportSection {
  return {
    title,
    metrics: [{ name: 'accuracy', value: pct(m.accuracy) }],
    tables: [{ title: 'per class', columns: ['class', 'precision', 'recall', 'F1', 'support'], rows: m.perClass.map((c, k) => [classes[k], pct(c.precision), pct(c.recall), pct(c.f1), c.support]) }],
    images: [{ title: `${title}: confusion matrix`, mime: 'image/png', data: svgToPng(svg) }],
  };
}

export interface ReportInput {
  readonly path: string;
  readonly classes: readonly string[];
  readonly history: readonly EpochMetrics[];
  readonly bestEpoch: number | undefined;
  readonly test: { readonly metrics: ClassificationMetrics; readonly svg: string };
  readonly train: { readonly metrics: ClassificationMetrics; readonly svg: string };
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
}

/** The single-file report page: curves, test and train confusion matrices, parameters. */
export async function writeClassifierReport(r: ReportInput): Promise<void> {
  const curve = async (title: string, a: 'loss' | 'accuracy', b: 'valLoss' | 'valAccuracy'): Promise<ReportImage> => ({
    title, mime: 'image/png',
    data: svgToPng(await renderLineChart({
      title, xLabel: 'epoch', yLabel: a,
      series: [{ name: 'train', points: r.history.map((h) => ({ x: h.epoch, y: h[a] })) }, { name: 'validation', points: r.history.map((h) => ({ x: h.epoch, y: h[b] })) }],
      ...(r.bestEpoch !== undefined ? { markers: r.history.filter((h) => h.epoch === r.bestEpoch).map((h) => ({ x: h.epoch, y: h[b], label: 'best' })) } : {}),
    })),
  });
  const sections: ReportSection[] = [
    metricsSection('Held-out test', r.test.metrics, r.classes, r.test.svg),
    metricsSection('Training set', r.train.metrics, r.classes, r.train.svg),
  ];
  if (r.history.length > 0) sections.push({ title: 'Final training', text: r.notes, images: [await curve('loss', 'loss', 'valLoss'), await curve('accuracy', 'accuracy', 'valAccuracy')] });
  await writeHtmlReport(r.path, { title: 'cryopick classifier', subtitle: new Date().toISOString(), parameters: r.parameters, sections }, { overwrite: true });
}
