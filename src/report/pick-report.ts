// Builds the HTML report of a pick run: settings, counts, score histogram, optional evaluation
// against reference picks (metrics, PR curve, per-micrograph table), and micrograph previews.
import type { Image2D } from '../image/image.js';
import type { MicrographPicks } from '../io/coords.js';
import { micrographKey, toFrame, ORIGINAL_FRAME } from '../io/coords.js';
import { readMicrograph } from '../io/micrograph.js';
import { readManifest } from '../pick/pick-run.js';
import { runDefaultThreshold } from '../pick/auto-threshold.js';
import { readSavedThreshold } from '../pick/saved-threshold.js';
import { FAILED_LIST_NAME, readFailedList } from '../pick/run-records.js';
import { detectionsPath, readDetections, selectByScore } from '../pick/detections.js';
import { evaluatePicks } from '../eval/evaluate.js';
import type { MatchMethod } from '../eval/match.js';
import { renderBarChart, renderPrCurve, svgToPng } from './plots.js';
import { classifyPicks, renderGalleryFigure, renderLegend, renderPagedGallery, type MarkKind } from './gallery.js';
import type { HtmlReport, ReportImage, ReportSection } from './html.js';
import { basename } from 'node:path';

export interface PickReportOptions {
  /** Score threshold of the picks shown (default: the run's saved threshold, else the one pick applied by default: runDefaultThreshold). */
  readonly threshold?: number;
  readonly references?: readonly MicrographPicks[];
  /** Diameter in original pixels for matching and circles (default: the run's). */
  readonly diameterPx?: number;
  readonly radiusPx?: number;
  readonly method?: MatchMethod;
  /** Number of micrographs in the gallery (default: all). */
  readonly previews?: number;
  readonly readImage?: (path: string) => Promise<Image2D>;
}


async function plotImage(title: string, svg: string, caption?: string): Promise<ReportImage> {
  return { title, mime: 'image/png', data: svgToPng(svg), ...(caption === undefined ? {} : { caption }) };
}

/** The evaluation section (metrics, per-micrograph table, PR curve) and its warnings. */
async function evaluationSection(all: readonly MicrographPicks[], references: readonly MicrographPicks[], diameterPx: number, threshold: number, options: PickReportOptions): Promise<{ section: ReportSection; warnings: readonly string[] }> {
  const ev = evaluatePicks(all, references, {
    diameterPx, threshold,
    ...(options.radiusPx === undefined ? {} : { radiusPx: options.radiusPx }),
    ...(options.method === undefined ? {} : { method: options.method }),
  });
  const o = ev.overall;
  const best = o.bestF1;
  const pr = await renderPrCurve({
    title: 'precision-recall (pooled)',
    curves: [{
      name: 'picks', points: ev.curve.map((p) => ({ recall: p.recall, precision: p.precision })),
      ...(o.ap === undefined ? {} : { ap: o.ap }),
      ...(best ? { best: { recall: best.recall, precision: best.precision, label: `best F1 ${best.f1.toFixed(3)}` } } : {}),
    }],
  });
  const c = ev.settings.criterion;
  const section: ReportSection = {
    title: 'Evaluation against reference picks',
    text: [`${c.kind === 'distance' ? `centre distance ≤ ${c.radiusPx.toFixed(1)} px` : `box IoU ≥ ${c.minIou}`}, ${ev.settings.method} one-to-one matching, ${o.micrographs} labelled micrograph(s).`],
    metrics: [
      { name: 'AP', value: o.ap?.toFixed(3) }, { name: `F1 @ ${threshold}`, value: o.f1.toFixed(3) },
      { name: 'precision', value: o.precision.toFixed(3) }, { name: 'recall', value: o.recall.toFixed(3) },
      { name: 'best F1', value: best ? `${best.f1.toFixed(3)} @ ${best.threshold.toFixed(2)}` : undefined },
      { name: 'mean IoU', value: o.meanIou?.toFixed(3) },
    ],
    tables: [{
      title: 'per micrograph',
      columns: ['micrograph', 'references', 'picks ≥ threshold', 'precision', 'recall', 'F1', 'AP'],
      rows: ev.perMicrograph.map((m) => [m.micrograph, m.references, m.tp + m.fp, m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3), m.ap?.toFixed(3)]),
    }],
    images: [await plotImage('precision-recall curve', pr)],
  };
  return { section, warnings: ev.warnings };
}

/** The gallery of the first `count` micrographs: picks at the threshold, TP/FP/miss against references, scores on hover. */
async function gallerySection(runDir: string, micrographs: readonly string[], refByKey: ReadonlyMap<string, MicrographPicks>, threshold: number, diameterPx: number | undefined, options: PickReportOptions, warnings: string[]): Promise<ReportSection | undefined> {
  const read = options.readImage ?? ((p: string) => readMicrograph(p));
  const figures: string[] = [];
  const kinds = new Set<MarkKind>();
  for (const m of micrographs) {
    const picks = selectByScore(await readDetections(detectionsPath(runDir, m)), threshold).particles;
    const ref = refByKey.get(micrographKey(m));
    const marks = classifyPicks(picks, ref?.particles, diameterPx ?? picks[0]?.diameter ?? 40);
    marks.forEach((k) => kinds.add(k.kind));
    const count = (k: MarkKind): number => marks.filter((x) => x.kind === k).length;
    const caption = ref ? `${picks.length} picks ≥ ${threshold}: ${count('tp')} true, ${count('fp')} false positives; ${count('miss')} of ${ref.particles.length} references missed` : `${picks.length} picks ≥ ${threshold}`;
    try {
      figures.push(renderGalleryFigure(basename(m), caption, await read(m), marks));
    } catch (err) {
      warnings.push(`no preview of ${m}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (figures.length === 0) return undefined;
  return { title: `Micrographs (${figures.length})`, html: `${renderLegend([...kinds])}\n${renderPagedGallery('micrographs', figures)}` };
}

/** Reads a pick run folder and assembles its report (library: no printing). */
export async function buildPickReport(runDir: string, options: PickReportOptions = {}): Promise<HtmlReport> {
  const manifest = await readManifest(runDir);
  // micrographs --skip-bad went past have no detections: listed in their own section
  const failed = await readFailedList(runDir);
  const failedSet = new Set(failed.map((f) => f.micrograph));
  const picked = manifest.micrographs.filter((m) => !failedSet.has(m));
  const threshold = options.threshold ?? (await readSavedThreshold(runDir))?.threshold ?? (await runDefaultThreshold(runDir, manifest, picked));
  const diameterPx = options.diameterPx ?? manifest.diameterPx ?? undefined;
  const refByKey = new Map((options.references ?? []).map((r) => [micrographKey(r.micrograph), toFrame(r, ORIGINAL_FRAME)]));
  const previewCount = options.previews ?? Number.POSITIVE_INFINITY;
  // only labelled and previewed micrographs stay in memory, so big runs report in bounded memory
  const all: MicrographPicks[] = [];
  const histogram = new Map<number, number>();
  let kept = 0;
  let detections = 0;
  for (const m of picked) {
    const d = await readDetections(detectionsPath(runDir, m));
    detections += d.particles.length;
    for (const p of d.particles) {
      const bin = Math.floor(p.score ?? 0);
      histogram.set(bin, (histogram.get(bin) ?? 0) + 1);
    }
    const picks = selectByScore(d, Number.NEGATIVE_INFINITY);
    kept += picks.particles.filter((p) => (p.score ?? 0) >= threshold).length;
    if (refByKey.has(micrographKey(m))) all.push(picks);
  }
  const n = Math.max(1, picked.length);
  const bins = [...histogram.keys()].sort((a, b) => a - b);
  const histSvg = await renderBarChart({
    title: 'detections by score', xLabel: 'score (logit), bin start', yLabel: 'detections',
    bars: bins.map((b) => ({ label: String(b), value: histogram.get(b) ?? 0 })),
  });
  const sections: ReportSection[] = [{
    title: 'Picks',
    metrics: [
      { name: 'micrographs', value: manifest.micrographs.length },
      ...(failed.length > 0 ? [{ name: 'skipped (could not be picked)', value: failed.length }] : []),
      { name: `particles (score ≥ ${threshold})`, value: kept },
      { name: 'per micrograph', value: Number((kept / n).toFixed(1)) },
      { name: `detections ≥ floor ${manifest.floor}`, value: detections },
    ],
    images: [await plotImage('score histogram', histSvg, `picks at score ≥ ${threshold} are kept; re-threshold with cryopick threshold`)],
  }];
  const warnings: string[] = [];
  if (failed.length > 0) {
    warnings.push(`${failed.length} of ${manifest.micrographs.length} micrograph(s) could not be picked and were skipped (--skip-bad); see "Skipped micrographs"`);
    sections.push({
      title: `Skipped micrographs (${failed.length})`,
      text: [`These could not be read or picked; the run went past them (--skip-bad). Fix them and rerun the same pick command with --resume to pick only those. The list is also in ${FAILED_LIST_NAME}.`],
      tables: [{ title: 'skipped', columns: ['micrograph', 'reason'], rows: failed.map((f) => [f.micrograph, f.reason]) }],
    });
  }
  if (options.references && diameterPx !== undefined) {
    const { section, warnings: w } = await evaluationSection(all, options.references, diameterPx, threshold, options);
    sections.push(section);
    warnings.push(...w);
  }
  const gallery = await gallerySection(runDir, picked.slice(0, previewCount), refByKey, threshold, diameterPx, options, warnings);
  if (gallery) sections.push(gallery);
  const { micrographs: _list, kind: _kind, ...settings } = manifest;
  return {
    title: 'cryopick pick report',
    subtitle: runDir,
    parameters: { ...settings, threshold, micrographs: manifest.micrographs.length, ...(failed.length > 0 ? { skipped: failed.length } : {}) },
    warnings,
    sections,
  };
}
