// Tests for the Vega/resvg plot helpers: valid deterministic SVG, series and markers present,
// error bars drawn only when asked, PNG output, and both files written by writePlot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderLineChart, renderPrCurve, renderScatter, renderBarChart, svgToPng, writePlot, prCurveLabel } from '../../src/report/plots.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

test('line chart: series names in legend, deterministic output', async () => {
  const spec = {
    title: 'validation AP per epoch',
    xLabel: 'epoch',
    yLabel: 'AP',
    series: [
      { name: 'fold-mean', points: [{ x: 1, y: 0.5, yErr: 0.05 }, { x: 2, y: 0.6, yErr: 0.04 }, { x: 3, y: 0.65, yErr: 0.03 }] },
      { name: 'train', points: [{ x: 1, y: 0.55 }, { x: 2, y: 0.7 }, { x: 3, y: Number.NaN }] },
    ],
    markers: [{ x: 3, y: 0.65, label: 'best 0.650' }],
  };
  const a = await renderLineChart(spec);
  const b = await renderLineChart(spec);
  assert.equal(a, b);
  assert.match(a, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(a.includes('fold-mean') && a.includes('train'));
  assert.ok(a.includes('validation AP per epoch'));
  assert.ok(a.includes('best 0.650'));
  assert.ok(a.includes('epoch') && a.includes('AP'));
});

test('line chart: error bars only where yErr is given', async () => {
  const base = { xLabel: 'x', yLabel: 'y' };
  const withErr = await renderLineChart({ ...base, series: [{ name: 's', points: [{ x: 0, y: 1, yErr: 0.5 }, { x: 1, y: 2, yErr: 0.5 }] }] });
  const noErr = await renderLineChart({ ...base, series: [{ name: 's', points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }] });
  // Vega names each mark group by its mark type; rule marks appear only with error bars
  assert.equal(count(withErr, 'mark-rule role-mark'), 1);
  assert.ok(count(withErr, '<line') >= count(noErr, '<line') + 2);
});

test('PR curve: AP in the legend and a best-F1 marker', async () => {
  const curve = { name: 'dense', ap: 0.8123, points: [{ recall: 0.1, precision: 1 }, { recall: 0.5, precision: 0.9 }, { recall: 0.8, precision: 0.6 }], best: { recall: 0.5, precision: 0.9, label: 'F1 0.643' } };
  assert.equal(prCurveLabel(curve), 'dense (AP 0.812)');
  const svg = await renderPrCurve({ curves: [curve, { name: 'strided', points: [{ recall: 0.2, precision: 0.8 }] }] });
  assert.ok(svg.includes('dense (AP 0.812)'));
  assert.ok(svg.includes('strided'));
  assert.ok(svg.includes('F1 0.643'));
  assert.ok(svg.includes('recall') && svg.includes('precision'));
});

test('scatter and bar charts render', async () => {
  const sc = await renderScatter({ xLabel: 'true count', yLabel: 'picked', diagonal: true, points: [{ x: 1, y: 2, group: 'a' }, { x: 3, y: 3, group: 'b' }] });
  assert.ok(sc.includes('true count') && sc.includes('picked'));
  const bar = await renderBarChart({ xLabel: 'model', yLabel: 'AP', bars: [{ label: 'resnet8', value: 0.7, err: 0.05 }, { label: 'conv31', value: 0.6 }] });
  assert.ok(bar.includes('resnet8') && bar.includes('conv31'));
  assert.equal(count(bar, 'mark-rule role-mark'), 1);
});

test('svgToPng gives a PNG scaled from the SVG size', async () => {
  const svg = await renderLineChart({ xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }] });
  const png = svgToPng(svg, { scale: 1 });
  assert.deepEqual(png.subarray(0, 8), PNG_MAGIC);
  const width = png.readUInt32BE(16);
  const svgWidth = Number(/width="(\d+)"/.exec(svg)?.[1]);
  assert.equal(width, svgWidth);
  assert.equal(svgToPng(svg, { scale: 2 }).readUInt32BE(16), 2 * svgWidth);
  assert.throws(() => svgToPng(svg, { scale: 0 }), RangeError);
});

test('writePlot writes SVG and PNG siblings and refuses to overwrite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-plots-'));
  try {
    const svg = await renderBarChart({ xLabel: 'a', yLabel: 'b', bars: [{ label: 'x', value: 1 }] });
    const { svgPath, pngPath } = await writePlot(join(dir, 'pr.png'), svg);
    assert.equal(svgPath, join(dir, 'pr.svg'));
    assert.equal(await readFile(svgPath, 'utf8'), svg);
    assert.deepEqual((await readFile(pngPath)).subarray(0, 8), PNG_MAGIC);
    await assert.rejects(writePlot(join(dir, 'pr.svg'), svg), /already exists/);
    await writePlot(join(dir, 'pr'), svg, { overwrite: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('PR curve with many points stays small (thinned, no point dots)', async () => {
  const points = Array.from({ length: 20000 }, (_, i) => ({ recall: i / 20000, precision: 1 - i / 40000 }));
  const svg = await renderPrCurve({ curves: [{ name: 'big', points }] });
  assert.ok(svg.length < 100_000, `svg is ${svg.length} characters`);
  assert.equal(count(svg, 'mark-symbol role-mark'), 1); // only the (empty) marker layer
});
