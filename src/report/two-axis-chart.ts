// A line chart with two y axes: the left series on the left axis and the right series on an
// axis of its own on the right (e.g. training loss beside test loss, whose scales differ).
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite, type LineSeries } from './plots.js';

export interface TwoAxisChartSpec {
  readonly title?: string;
  readonly xLabel: string;
  readonly left: LineSeries;
  readonly right: LineSeries;
  readonly width?: number;
  readonly height?: number;
}

const COLORS = ['#4c78a8', '#f58518'] as const;

/** Renders the chart to SVG text; non-finite points are dropped. */
export async function renderTwoAxisChart(spec: TwoAxisChartSpec): Promise<string> {
  const rows = (s: LineSeries, side: string): Record<string, unknown>[] =>
    s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => ({ side, x: p.x, y: p.y }));
  const x = { field: 'x', type: 'quantitative', title: spec.xLabel };
  const line = (side: 'left' | 'right', s: LineSeries, color: string): unknown => ({
    transform: [{ filter: `datum.side === '${side}'` }],
    mark: { type: 'line', point: true, strokeWidth: 2, color },
    encoding: { x, y: { field: 'y', type: 'quantitative', title: s.name, scale: { zero: false }, axis: { orient: side, titleColor: color } } },
  });
  const layers: unknown[] = [line('left', spec.left, COLORS[0]), line('right', spec.right, COLORS[1])];
  const data = [...rows(spec.left, 'left'), ...rows(spec.right, 'right')];
  const out: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: spec.width ?? 420, height: spec.height ?? 260, background: 'white',
    config: { font: 'DejaVu Sans', axis: { grid: true, gridOpacity: 0.35 } },
    data: { values: data }, layer: layers, resolve: { scale: { y: 'independent' } },
  };
  if (spec.title !== undefined) out['title'] = spec.title;
  return renderVegaLite(out as unknown as TopLevelSpec);
}
