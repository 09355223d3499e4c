// Text and JSON renderings of an evaluation report (pure; the CLI prints or writes them).
import type { EvaluationReport, Metrics } from './evaluate.js';

function num(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

function thresholdText(t: number): string {
  if (t === Number.NEGATIVE_INFINITY) return 'all';
  if (t === Number.POSITIVE_INFINITY) return 'unscored';
  return String(Number(t.toPrecision(6)));
}

function criterionText(report: EvaluationReport): string {
  const c = report.settings.criterion;
  const how = c.kind === 'distance' ? `centre distance <= ${num(c.radiusPx, 1)} px` : `box IoU >= ${c.minIou} (box ${num(report.settings.diameterPx, 1)} px)`;
  return `${how}, ${report.settings.method} one-to-one`;
}

function row(name: string, m: Metrics): string {
  const best = m.bestF1 ? `${num(m.bestF1.f1)} @ ${thresholdText(m.bestF1.threshold)}` : '-';
  return [name, m.references, m.predictions, m.tp, m.fp, m.fn, num(m.precision), num(m.recall), num(m.f1), num(m.ap), best, num(m.meanIou)].join('\t');
}

/** A human summary: settings, pooled metrics, macro averages, optional per-micrograph table. */
export function formatEvaluation(report: EvaluationReport, options: { perMicrograph?: boolean } = {}): string {
  const o = report.overall;
  const lines = [
    `matching: ${criterionText(report)}; threshold ${thresholdText(report.settings.threshold)}`,
    `micrographs: ${o.micrographs}, references: ${o.references}, predictions: ${o.predictions}`,
    `at threshold: precision ${num(o.precision)}  recall ${num(o.recall)}  F1 ${num(o.f1)}  (TP ${o.tp}, FP ${o.fp}, FN ${o.fn})  mean IoU ${num(o.meanIou)}`,
    `AP ${num(o.ap)}   best F1 ${num(o.bestF1?.f1)} at threshold ${o.bestF1 ? thresholdText(o.bestF1.threshold) : '-'} (precision ${num(o.bestF1?.precision)}, recall ${num(o.bestF1?.recall)})`,
    `per-micrograph means: AP ${num(report.macro.ap)}  F1 ${num(report.macro.f1)}  best F1 ${num(report.macro.bestF1)}`,
  ];
  if (options.perMicrograph) {
    lines.push('', ['micrograph', 'refs', 'preds', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1', 'ap', 'best_f1', 'mean_iou'].join('\t'));
    for (const m of report.perMicrograph) lines.push(row(m.micrograph, m));
  }
  return `${lines.join('\n')}\n`;
}

/** JSON text of the report; ±Infinity thresholds become null, undefined fields are omitted. */
export function evaluationToJson(report: EvaluationReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
