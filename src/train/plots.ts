// Training plots (SVG + PNG): precision per epoch (train vs test), loss curves, learning rate.
import { join } from 'node:path';
import { renderLineChart, writePlot, type LineSeries, type Marker } from '../report/plots.js';
import { renderTwoAxisChart } from '../report/two-axis-chart.js';
import type { EpochMetrics } from './train-types.js';

/** Writes precision.svg/png, loss.svg/png, lr.svg/png (and auprc.svg/png with a test split). */
export async function writeTrainingPlots(outDir: string, epochs: readonly EpochMetrics[], bestEpoch: number): Promise<string[]> {
  if (epochs.length === 0) return [];
  const pts = (f: (e: EpochMetrics) => number | undefined): LineSeries['points'] =>
    epochs.flatMap((e) => { const v = f(e); return v === undefined || !Number.isFinite(v) ? [] : [{ x: e.epoch, y: v }]; });
  const best = epochs.find((e) => e.epoch === bestEpoch);
  const written: string[] = [];
  const emit = async (name: string, title: string, yLabel: string, series: LineSeries[], marker?: Marker, yScale?: 'log'): Promise<void> => {
    const usable = series.filter((s) => s.points.length > 0);
    if (usable.length === 0) return;
    const svg = await renderLineChart({
      title, xLabel: 'epoch', yLabel, series: usable, ...(marker ? { markers: [marker] } : {}), ...(yScale ? { yScale } : {}),
    });
    const r = await writePlot(join(outDir, `${name}.svg`), svg, { overwrite: true });
    written.push(r.svgPath, r.pngPath);
  };
  const testPrecision = pts((e) => e.precision);
  await emit('precision', 'Precision per epoch', 'precision', [
    { name: 'train', points: pts((e) => e.trainPrecision) },
    { name: 'test', points: testPrecision },
  ], best?.precision !== undefined ? { x: best.epoch, y: best.precision, label: 'exported' } : undefined);
  const trainLoss = { name: 'train loss', points: pts((e) => e.trainLoss) };
  const testLoss = { name: 'test loss', points: pts((e) => e.testLoss) };
  if (trainLoss.points.length > 0 && testLoss.points.length > 0) {
    // the test loss (all pixels of held-out micrographs) runs on another scale: its own axis
    const r = await writePlot(join(outDir, 'loss.svg'), await renderTwoAxisChart({ title: 'Loss per epoch', xLabel: 'epoch', left: trainLoss, right: testLoss }), { overwrite: true });
    written.push(r.svgPath, r.pngPath);
  } else {
    await emit('loss', 'Loss per epoch', 'loss', [trainLoss, testLoss]);
  }
  await emit('auprc', 'Test AUPRC per epoch', 'AUPRC', [
    { name: 'test', points: pts((e) => e.auprc) },
    { name: 'held-out', points: pts((e) => e.heldOutAuprc) },
  ], best?.auprc !== undefined ? { x: best.epoch, y: best.auprc, label: 'exported' } : undefined);
  await emit('lr', 'Learning rate', 'learning rate', [{ name: 'lr', points: pts((e) => e.lr) }]);
  return written;
}
