// The demo's single-file HTML report: what was simulated, how training went, how the picks on
// held-out micrographs compare with the truth (metrics, PR curve, a gallery with true/false
// positives and misses, scores on hover).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SimulationManifest } from '../sim/index.js';
import type { TrainResult } from '../train/index.js';
import type { MicrographPicks } from '../io/coords.js';
import { micrographKey } from '../io/coords.js';
import { readMicrograph } from '../io/micrograph.js';
import type { EvaluationReport } from '../eval/evaluate.js';
import { renderPrCurve } from '../report/plots.js';
import { classifyPicks, renderGalleryFigure, renderLegend, renderPagedGallery } from '../report/gallery.js';
import { writeHtmlReport, type ReportImage } from '../report/html.js';

/** What the demo measured (the chance level is the AP of uniformly random picks). */
export interface DemoReportSummary {
  readonly trainMicrographs: number;
  readonly testMicrographs: number;
  readonly userPicks: number;
  readonly truthParticles: number;
  readonly picked: number;
  /** Expected particles per micrograph (the training parameter; also sets the pick threshold). */
  readonly expectedParticles: number;
  readonly threshold: number;
  readonly ap: number;
  readonly bestF1: number;
  readonly bestF1Threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** AP of uniformly random picks (same number per micrograph), the chance level. */
  readonly chanceAp: number;
  readonly training: TrainResult;
  readonly evaluation: EvaluationReport;
}

export interface DemoReportData {
  readonly manifest: SimulationManifest;
  readonly dataDir: string;
  readonly test: readonly string[];
  readonly predictions: readonly MicrographPicks[];
  readonly references: readonly MicrographPicks[];
}

function trainingPlots(outDir: string): ReportImage[] {
  const plots: ReportImage[] = [];
  for (const [file, title] of [['auprc.png', 'Test AUPRC per epoch'], ['precision.png', 'Precision per epoch'], ['loss.png', 'Loss per epoch'], ['lr.png', 'Learning rate']] as const) {
    const p = [join(outDir, file), join(outDir, 'plots', file)].find((c) => existsSync(c));
    if (p !== undefined) plots.push({ title, mime: 'image/png', data: readFileSync(p) });
  }
  return plots;
}

/** Writes the demo report to `path` (atomic). */
export async function writeDemoReport(path: string, s: DemoReportSummary, d: DemoReportData): Promise<void> {
  const pr = await renderPrCurve({
    title: 'Held-out micrographs: precision-recall',
    curves: [{
      name: 'cryopick', ap: s.ap,
      points: s.evaluation.curve.map((p) => ({ recall: p.recall, precision: p.precision })),
      best: { recall: s.evaluation.overall.bestF1?.recall ?? 0, precision: s.evaluation.overall.bestF1?.precision ?? 0, label: `best F1 ${s.bestF1.toFixed(3)}` },
    }],
  });
  const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');
  const figures: string[] = [];
  for (const path of d.test) {
    const key = micrographKey(path);
    const image = await readMicrograph(path);
    const truth = d.references.find((r) => micrographKey(r.micrograph) === key)?.particles ?? [];
    const picks = (d.predictions.find((p) => micrographKey(p.micrograph) === key)?.particles ?? []).filter((p) => (p.score ?? 0) >= s.threshold);
    const marks = classifyPicks(picks, truth, d.manifest.particleDiameterPx);
    const n = (k: string): number => marks.filter((m) => m.kind === k).length;
    figures.push(renderGalleryFigure(basename(path), `${picks.length} picks at score ≥ ${fmt(s.threshold)}: ${n('tp')} true, ${n('fp')} false positives; ${n('miss')} of ${truth.length} true particles missed`, image, marks));
  }
  await writeHtmlReport(path, {
    title: 'cryopick demo',
    subtitle: `simulate → train → pick → evaluate, ${new Date().toISOString().slice(0, 19)}Z`,
    parameters: {
      simulation: { preset: d.manifest.preset, count: d.manifest.count, size: `${d.manifest.width}x${d.manifest.height}`, pixelSizeA: d.manifest.pixelSizeA, particleDiameterPx: d.manifest.particleDiameterPx, snr: d.manifest.snr, labelFraction: d.manifest.labelFraction, seed: d.manifest.seed },
      training: { method: s.training.method, pi: s.training.pi, bestEpoch: s.training.bestEpoch, epochs: s.training.epochs.length },
    },
    warnings: s.evaluation.warnings,
    sections: [
      {
        title: 'Result on held-out micrographs',
        text: [`Trained on ${s.trainMicrographs} micrographs from ${s.userPicks} sparse user picks; evaluated on ${s.testMicrographs} held-out micrographs against ${s.truthParticles} true particles (match radius 0.25 × diameter).`],
        metrics: [
          { name: 'AP', value: fmt(s.ap) },
          { name: 'AP of random picks (chance)', value: fmt(s.chanceAp) },
          { name: 'best F1', value: `${fmt(s.bestF1)} at score ${fmt(s.bestF1Threshold)}` },
          { name: `precision / recall / F1 at score ${fmt(s.threshold)} (keeps ${s.expectedParticles} picks per micrograph)`, value: `${fmt(s.precision)} / ${fmt(s.recall)} / ${fmt(s.f1)}` },
          { name: 'particles picked', value: s.picked },
        ],
        images: [{ title: 'Precision-recall curve', mime: 'image/svg+xml', data: pr }],
      },
      {
        title: 'Per micrograph',
        tables: [{
          title: 'Held-out micrographs',
          columns: ['micrograph', 'truth', 'picked', 'precision', 'recall', 'F1', 'AP'],
          rows: s.evaluation.perMicrograph.map((m) => [m.micrograph, m.references, m.tp + m.fp, fmt(m.precision), fmt(m.recall), fmt(m.f1), fmt(m.ap ?? NaN)]),
        }],
      },
      { title: 'Training', text: [...s.training.diagnostics], images: trainingPlots(s.training.outDir) },
      { title: 'Picks on held-out micrographs', html: `${renderLegend(['tp', 'fp', 'miss'])}\n${renderPagedGallery('micrographs', figures)}` },
    ],
  });
}
