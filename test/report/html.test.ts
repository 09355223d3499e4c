// Tests for the HTML report: self-contained (images as data URIs, no external links), escaped
// text, previews with circles where the picks are, and the pick/train report builders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { renderHtmlReport, writeHtmlReport, dataUri } from '../../src/report/html.js';
import { renderPickPreview } from '../../src/report/preview.js';
import { buildPickReport } from '../../src/report/pick-report.js';
import { buildTrainReport } from '../../src/report/train-report.js';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { SMOOTHED_THRESHOLDS } from '../../src/pick/threshold.js';
import { makeImage } from '../../src/image/image.js';
import { blobImage, fakeModel } from '../pick/_fake-model.js';

test('renderHtmlReport embeds images as data URIs and escapes text', () => {
  const png = renderPickPreview(makeImage(16, 16), []).png;
  const html = renderHtmlReport({
    title: 'run <1>',
    parameters: { lr: 0.001, nested: { a: 1 } },
    warnings: ['y & x'],
    sections: [{ title: 'S', metrics: [{ name: 'AP', value: 0.5 }], images: [{ title: 'plot', mime: 'image/png', data: png }, { title: 'svg', mime: 'image/svg+xml', data: '<svg xmlns="http://www.w3.org/2000/svg"/>' }], tables: [{ title: 't', columns: ['a'], rows: [['<b>']] }] }],
  });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes(`src="${dataUri({ mime: 'image/png', data: png })}"`));
  assert.ok(html.includes('src="data:image/svg+xml;base64,'));
  assert.ok(html.includes('run &lt;1&gt;') && html.includes('y &amp; x') && html.includes('&lt;b&gt;'));
  assert.ok(html.includes('<td>nested.a</td><td>1</td>'), 'nested parameters become dotted rows');
  assert.doesNotMatch(html, /src="http|href="http/);
});

test('preview draws circles of the layer colour around the picks', () => {
  const image = makeImage(400, 200, new Float32Array(400 * 200).map((_, i) => i % 7));
  const pv = renderPickPreview(image, [{ particles: [{ x: 100, y: 100 }], color: [0, 255, 0], diameterPx: 40 }], { maxSize: 200 });
  assert.deepEqual([pv.width, pv.height, pv.scale], [200, 100, 2]);
  const png = PNG.sync.read(pv.png);
  const at = (x: number, y: number): number[] => [...png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3)];
  // ring of radius 10 preview pixels around (49.75, 49.75)
  assert.deepEqual(at(60, 50), [0, 255, 0]);
  assert.deepEqual(at(50, 40), [0, 255, 0]);
  assert.notDeepEqual(at(50, 50), [0, 255, 0]);
  assert.notDeepEqual(at(80, 50), [0, 255, 0]);
});

test('pick report: counts, evaluation with PR curve, previews; train report from summary.json', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-report-'));
  try {
    const names = ['a.mrc', 'b.mrc'];
    const blobs = [{ x: 60, y: 60, peak: 3 }, { x: 200, y: 120, peak: 1 }, { x: 120, y: 200, peak: -2 }];
    const readImage = async (): Promise<ReturnType<typeof blobImage>> => blobImage(260, 260, blobs, 5);
    await pickMicrographs(names, fakeModel(2), { outDir: root, minDistancePx: 40, floor: -6, inference: 'dense', diameterPx: 40, readImage });
    const refs = [{ micrograph: 'a', frame: { binning: 1, yFlipped: false }, particles: blobs.slice(0, 2) }];
    const report = await buildPickReport(root, { references: refs, previews: 1, readImage });
    const html = renderHtmlReport(report);
    assert.equal((html.match(/src="data:image\/png;base64,/g) ?? []).length, 2); // histogram, PR curve
    assert.equal((html.match(/src="data:image\/jpeg;base64,/g) ?? []).length, 1); // one micrograph in the gallery
    assert.equal((html.match(/<circle [^>]*class="tp"/g) ?? []).length, 2, 'both references found at the threshold');
    assert.match(html, /<title>true positive, score \d\.\d\d at \(60, 60\)<\/title>/);
    assert.ok(report.sections[0]?.metrics?.some((m) => m.name.startsWith('particles') && m.value === 4));
    const evaluation = report.sections.find((s) => s.title.startsWith('Evaluation'));
    assert.ok(evaluation?.metrics?.some((m) => m.name === 'AP' && m.value === '1.000'));
    // a run picked with smoothing is cut at the default for smoothed scores, which sits lower
    const smoothed = join(root, 'smoothed');
    await pickMicrographs(names, fakeModel(2), { outDir: smoothed, minDistancePx: 40, floor: -6, inference: 'dense', diameterPx: 40, readImage, smoothingPx: 6 });
    const sm = await buildPickReport(smoothed, { previews: 0, readImage });
    assert.ok(sm.sections[0]?.metrics?.some((m) => m.name.startsWith('particles') && m.name.includes(String(SMOOTHED_THRESHOLDS.dense))), JSON.stringify(sm.sections[0]?.metrics));

    const train = join(root, 'train');
    await mkdir(train);
    await writeFile(join(train, 'summary.json'), JSON.stringify({ bestEpoch: 2, selectMetric: 'auprc', method: 'GE-binomial', pi: 0.02, params: { lr: 1e-3 }, diagnostics: ['loss is flat'], epochs: [1, 2, 3].map((e) => ({ epoch: e, lr: 1e-3, trainLoss: 1 / e, auprc: 0.2 * e })) }));
    const tr = await buildTrainReport(train);
    const path = join(root, 'r.html');
    await writeHtmlReport(path, tr);
    const text = await readFile(path, 'utf8');
    assert.equal((text.match(/src="data:image\/png;base64,/g) ?? []).length, 3);
    assert.ok(text.includes('loss is flat') && text.includes('chosen epoch'));
    await assert.rejects(writeHtmlReport(path, tr), /already exists/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
