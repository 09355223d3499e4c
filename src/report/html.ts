// The single-file HTML report: parameters, metrics, tables, plots and micrograph previews, with
// every image embedded as a data URI so the file can be mailed or archived on its own.
import { writeFileAtomic, type WriteOptions } from '../io/atomic-write.js';

export interface ReportImage {
  readonly title: string;
  readonly caption?: string;
  readonly mime: 'image/png' | 'image/svg+xml';
  /** PNG bytes, or SVG text. */
  readonly data: Buffer | string;
}

export interface ReportTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null | undefined)[])[];
}

export interface ReportSection {
  readonly title: string;
  readonly text?: readonly string[];
  readonly metrics?: readonly { readonly name: string; readonly value: string | number | undefined }[];
  readonly tables?: readonly ReportTable[];
  readonly images?: readonly ReportImage[];
  /** Trusted HTML built by report modules (e.g. the micrograph gallery), placed after the images. */
  readonly html?: string;
}

export interface HtmlReport {
  readonly title: string;
  /** e.g. the command line and the date. */
  readonly subtitle?: string;
  /** Run parameters; nested values are shown as JSON. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly warnings?: readonly string[];
  readonly sections: readonly ReportSection[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A data URI for an image (base64). */
export function dataUri(image: Pick<ReportImage, 'mime' | 'data'>): string {
  const bytes = typeof image.data === 'string' ? Buffer.from(image.data, 'utf8') : image.data;
  return `data:${image.mime};base64,${bytes.toString('base64')}`;
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function table(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(formatValue(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function section(s: ReportSection): string {
  const parts = [`<section>\n<h2>${escapeHtml(s.title)}</h2>`];
  for (const t of s.text ?? []) parts.push(`<p>${escapeHtml(t)}</p>`);
  if (s.metrics && s.metrics.length > 0) {
    parts.push(`<dl class="metrics">${s.metrics.map((m) => `<div><dt>${escapeHtml(m.name)}</dt><dd>${escapeHtml(formatValue(m.value))}</dd></div>`).join('')}</dl>`);
  }
  for (const t of s.tables ?? []) parts.push(`<h3>${escapeHtml(t.title)}</h3>\n${table(t.columns, t.rows)}`);
  if (s.images && s.images.length > 0) {
    const figs = s.images.map((im) => `<figure><img alt="${escapeHtml(im.title)}" src="${dataUri(im)}"><figcaption><b>${escapeHtml(im.title)}</b>${im.caption ? ` — ${escapeHtml(im.caption)}` : ''}</figcaption></figure>`);
    parts.push(`<div class="figures">\n${figs.join('\n')}\n</div>`);
  }
  if (s.html !== undefined) parts.push(s.html);
  parts.push('</section>');
  return parts.join('\n');
}

/** Nested parameter objects become dotted rows (`training.epochs`); arrays stay one value. */
export function flattenParameters(params: Readonly<Record<string, unknown>>, prefix = ''): [string, unknown][] {
  return Object.entries(params).flatMap(([k, v]): [string, unknown][] => {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) return flattenParameters(v as Record<string, unknown>, key);
    return [[key, Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : v]];
  });
}

/** Style of the micrograph gallery (gallery.ts; colours = its MARK_COLORS). */
const GALLERY_STYLE = `.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1em}
.mic{margin:0}.mic-view{position:relative;width:100%}.mic-view img,.mic-view svg{position:absolute;inset:0;width:100%;height:100%}
.mic-view svg circle{fill:transparent;stroke-width:2;pointer-events:all;vector-effect:non-scaling-stroke}
.mic-view svg circle:hover{stroke-width:4}.mic-view .tp,.mic-view .pick{stroke:#22c55e}.mic-view .fp{stroke:#ef4444}
.mic-view .miss{stroke:#f59e0b;stroke-dasharray:4 3}.legend span{margin-right:1em}
.legend i{display:inline-block;width:.9em;height:.9em;border:2px solid;border-radius:50%;margin-right:.3em;vertical-align:middle}
.pager{margin:.6em 0;display:flex;gap:.3em;flex-wrap:wrap}.pager button{padding:.2em .6em}.pager button.on{font-weight:bold;background:#dde8f5}`;

const STYLE = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}.subtitle{color:#666;margin-top:0}table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f3f3f3}
.metrics{display:flex;flex-wrap:wrap;gap:.6em}.metrics div{border:1px solid #ddd;border-radius:6px;padding:.4em .8em;min-width:8em}
.metrics dt{font-size:.8em;color:#666}.metrics dd{margin:0;font-size:1.3em;font-weight:bold}
.figures{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;max-width:100%}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.85em;color:#444;max-width:520px}.warning{background:#fff4e0;border-left:4px solid #e69500;padding:.4em .8em}
${GALLERY_STYLE}`;

/** Renders the report as one self-contained HTML document (no external resources). */
export function renderHtmlReport(report: HtmlReport): string {
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<h1>${escapeHtml(report.title)}</h1>`,
  ];
  if (report.subtitle) parts.push(`<p class="subtitle">${escapeHtml(report.subtitle)}</p>`);
  for (const w of report.warnings ?? []) parts.push(`<p class="warning">${escapeHtml(w)}</p>`);
  for (const s of report.sections) parts.push(section(s));
  if (report.parameters && Object.keys(report.parameters).length > 0) {
    parts.push(`<section>\n<h2>Parameters</h2>\n${table(['parameter', 'value'], flattenParameters(report.parameters))}\n</section>`);
  }
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}

/** Writes the report atomically; refuses to overwrite unless asked. */
export async function writeHtmlReport(path: string, report: HtmlReport, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, renderHtmlReport(report), options);
}
