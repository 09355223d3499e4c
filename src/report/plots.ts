// Plots without a browser: small chart specs (line, PR curve, scatter, bar) compiled to Vega-Lite,
// rendered to SVG by Vega in Node (no DOM, no canvas), and to PNG by resvg. Output is deterministic.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { extname } from 'node:path';
import { writeFileAtomic, type WriteOptions } from '../io/atomic-write.js';

/** One point of a line series; `yErr` draws a symmetric error bar y ± yErr. */
export interface LinePoint {
  readonly x: number;
  readonly y: number;
  readonly yErr?: number;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

/** A highlighted point (e.g. the best epoch or trial), drawn as a diamond with an optional label. */
export interface Marker {
  readonly x: number;
  readonly y: number;
  readonly label?: string;
}

interface ChartFrame {
  readonly title?: string;
  /** Plot-area size in CSS pixels (default 420 × 260). */
  readonly width?: number;
  readonly height?: number;
}

export interface LineChartSpec extends ChartFrame {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly markers?: readonly Marker[];
  readonly xScale?: 'linear' | 'log';
  readonly yScale?: 'linear' | 'log';
  /** Fixed axis ranges; default: fitted to the data (y includes zero only when `yZero`). */
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  readonly yZero?: boolean;
  /** Mark each data point with a dot (default true; PR curves turn it off). */
  readonly showPoints?: boolean;
}

/** One precision–recall curve; points in any order, drawn sorted by recall. */
export interface PrCurve {
  readonly name: string;
  readonly points: readonly { readonly recall: number; readonly precision: number }[];
  /** Average precision, appended to the legend name as "(AP 0.812)". */
  readonly ap?: number;
  /** The best-F1 operating point, drawn as a marker. */
  readonly best?: { readonly recall: number; readonly precision: number; readonly label?: string };
}

export interface PrCurveSpec extends ChartFrame {
  readonly curves: readonly PrCurve[];
}

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  /** Colour group; points without one share a single colour. */
  readonly group?: string;
}

export interface ScatterSpec extends ChartFrame {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly ScatterPoint[];
  /** Draw the diagonal y = x (for predicted-vs-true plots). */
  readonly diagonal?: boolean;
  readonly xScale?: 'linear' | 'log';
  readonly yScale?: 'linear' | 'log';
}

export interface BarChartSpec extends ChartFrame {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly bars: readonly { readonly label: string; readonly value: number; readonly err?: number }[];
}

const FONT = 'DejaVu Sans, Arial, sans-serif';

type Row = Record<string, string | number | null>;

function finite(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

function frame(spec: ChartFrame, layers: unknown[], data: Row[]): TopLevelSpec {
  const out: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: spec.width ?? 420,
    height: spec.height ?? 260,
    background: 'white',
    config: { font: FONT, legend: { orient: 'right' }, axis: { grid: true, gridOpacity: 0.35 } },
    data: { values: data },
    layer: layers,
  };
  if (spec.title !== undefined) out['title'] = spec.title;
  return out as unknown as TopLevelSpec;
}

function axis(field: string, title: string, scale: 'linear' | 'log' = 'linear', domain?: readonly [number, number], zero = false): Record<string, unknown> {
  const sc: Record<string, unknown> = { type: scale, zero: scale === 'log' ? false : zero };
  if (domain) sc['domain'] = [domain[0], domain[1]];
  return { field, type: 'quantitative', title, scale: sc };
}

/** Compiles a Vega-Lite spec and renders it to an SVG string (no network, no DOM). */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Line chart with one line per series (points marked), optional error bars (y ± yErr) and
 * highlighted markers. Series keep their given order in the legend and colour scale.
 * Non-finite points are dropped. Returns the SVG text.
 */
export async function renderLineChart(spec: LineChartSpec): Promise<string> {
  const names = spec.series.map((s) => s.name);
  const data: Row[] = [];
  for (const s of spec.series) {
    for (const p of s.points) {
      if (finite(p.x) === null || finite(p.y) === null) continue;
      const e = finite(p.yErr);
      data.push({ kind: 'line', series: s.name, x: p.x, y: p.y, lo: e === null ? null : p.y - e, hi: e === null ? null : p.y + e });
    }
  }
  for (const m of spec.markers ?? []) {
    if (finite(m.x) === null || finite(m.y) === null) continue;
    data.push({ kind: 'marker', series: null, x: m.x, y: m.y, label: m.label ?? null });
  }
  const x = axis('x', spec.xLabel, spec.xScale, spec.xDomain);
  const y = axis('y', spec.yLabel, spec.yScale, spec.yDomain, spec.yZero ?? false);
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: names }, sort: names };
  const layers: unknown[] = [
    { transform: [{ filter: "datum.kind === 'line'" }], mark: { type: 'line', point: spec.showPoints ?? true, strokeWidth: 2 }, encoding: { x, y, color } },
    {
      transform: [{ filter: "datum.kind === 'line' && datum.lo !== null" }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
    },
    {
      transform: [{ filter: "datum.kind === 'marker'" }],
      mark: { type: 'point', shape: 'diamond', size: 160, filled: true, color: 'black' },
      encoding: { x, y },
    },
    {
      transform: [{ filter: "datum.kind === 'marker' && datum.label !== null" }],
      mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 11 },
      encoding: { x, y, text: { field: 'label', type: 'nominal' } },
    },
  ];
  return renderVegaLite(frame(spec, layers, data));
}

/** The legend name of a PR curve: its name plus "(AP 0.812)" when AP is given. */
export function prCurveLabel(curve: PrCurve): string {
  return curve.ap === undefined || !Number.isFinite(curve.ap) ? curve.name : `${curve.name} (AP ${curve.ap.toFixed(3)})`;
}

const MAX_CURVE_POINTS = 800;

/** Keeps at most `max` evenly spaced elements, always including the first and the last. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return items.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))] as T);
  return out;
}

/** Precision (y) against recall (x), both on [0, 1], one step line per curve, best-F1 markers. */
export async function renderPrCurve(spec: PrCurveSpec): Promise<string> {
  const series: LineSeries[] = spec.curves.map((c) => ({
    name: prCurveLabel(c),
    points: thin([...c.points].sort((a, b) => a.recall - b.recall || b.precision - a.precision), MAX_CURVE_POINTS).map((p) => ({ x: p.recall, y: p.precision })),
  }));
  const markers: Marker[] = [];
  for (const c of spec.curves) {
    if (!c.best) continue;
    markers.push(c.best.label === undefined ? { x: c.best.recall, y: c.best.precision } : { x: c.best.recall, y: c.best.precision, label: c.best.label });
  }
  const lineSpec: LineChartSpec = {
    ...spec,
    xLabel: 'recall',
    yLabel: 'precision',
    series,
    markers,
    showPoints: false,
    xDomain: [0, 1],
    yDomain: [0, 1],
  };
  return renderLineChart(lineSpec);
}

/** Scatter plot, optionally coloured by group and with the y = x diagonal. */
export async function renderScatter(spec: ScatterSpec): Promise<string> {
  const data: Row[] = spec.points
    .filter((p) => finite(p.x) !== null && finite(p.y) !== null)
    .map((p) => ({ kind: 'point', x: p.x, y: p.y, group: p.group ?? '' }));
  const groups = [...new Set(data.map((r) => String(r['group'])))];
  const x = axis('x', spec.xLabel, spec.xScale);
  const y = axis('y', spec.yLabel, spec.yScale);
  const encoding: Record<string, unknown> = { x, y };
  if (groups.length > 1 || (groups[0] ?? '') !== '') {
    encoding['color'] = { field: 'group', type: 'nominal', title: null, scale: { domain: groups }, sort: groups };
  }
  const layers: unknown[] = [{ transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'point', filled: true, size: 40, opacity: 0.8 }, encoding }];
  if (spec.diagonal && data.length > 0) {
    const values = data.flatMap((r) => [Number(r['x']), Number(r['y'])]);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    data.push({ kind: 'diag', x: lo, y: lo }, { kind: 'diag', x: hi, y: hi });
    layers.unshift({ transform: [{ filter: "datum.kind === 'diag'" }], mark: { type: 'line', color: 'gray', strokeDash: [4, 4] }, encoding: { x, y } });
  }
  return renderVegaLite(frame(spec, layers, data));
}

/** Vertical bar chart in the given order, with optional error bars value ± err. */
export async function renderBarChart(spec: BarChartSpec): Promise<string> {
  const labels = spec.bars.map((b) => b.label);
  const data: Row[] = spec.bars.map((b) => {
    const e = finite(b.err);
    return { label: b.label, value: finite(b.value), lo: e === null ? null : b.value - e, hi: e === null ? null : b.value + e };
  });
  const x = { field: 'label', type: 'nominal', title: spec.xLabel, sort: labels, axis: { labelAngle: labels.some((l) => l.length > 6) ? -30 : 0 } };
  const y = { field: 'value', type: 'quantitative', title: spec.yLabel };
  const layers: unknown[] = [
    { mark: { type: 'bar', color: '#4c78a8' }, encoding: { x, y } },
    { transform: [{ filter: 'datum.lo !== null' }], mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
  ];
  return renderVegaLite(frame(spec, layers, data));
}

export interface PngOptions {
  /** Pixels per SVG unit (default 2, for sharp text in reports). */
  readonly scale?: number;
}

/** Rasterises SVG text to a PNG buffer with resvg on a white background, system fonts. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  if (!(scale > 0)) throw new RangeError(`PNG scale must be > 0, got ${scale}`);
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * Writes a plot as both SVG and PNG beside each other. `path` may end in .svg or .png (the
 * sibling gets the other extension) or have no extension (both are added). Atomic writes;
 * refuses to overwrite unless `overwrite`. Returns the two paths written.
 */
export async function writePlot(path: string, svg: string, options: WriteOptions & PngOptions = {}): Promise<{ svgPath: string; pngPath: string }> {
  const ext = extname(path).toLowerCase();
  const stem = ext === '.svg' || ext === '.png' ? path.slice(0, -ext.length) : path;
  const svgPath = `${stem}.svg`;
  const pngPath = `${stem}.png`;
  const write = options.overwrite === undefined ? {} : { overwrite: options.overwrite };
  await writeFileAtomic(svgPath, svg, write);
  await writeFileAtomic(pngPath, svgToPng(svg, options.scale === undefined ? {} : { scale: options.scale }), write);
  return { svgPath, pngPath };
}
