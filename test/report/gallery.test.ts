// The report gallery: picks classified as true/false positives and misses like `cryopick
// evaluate`, circles placed on the shrunk image where the particles are, scores in hover titles,
// and pages of figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeImage } from '../../src/image/image.js';
import { classifyPicks, renderGalleryFigure, renderPagedGallery } from '../../src/report/gallery.js';

test('classifyPicks: matches within a quarter diameter are true positives, the rest false, unmatched references missed', () => {
  const refs = [{ x: 100, y: 100 }, { x: 300, y: 50 }];
  const picks = [{ x: 104, y: 103, score: 2 }, { x: 200, y: 200, score: 1 }];
  const marks = classifyPicks(picks, refs, 40);
  assert.deepEqual(marks.map((m) => [m.kind, m.x, m.y, m.score]), [['tp', 104, 103, 2], ['fp', 200, 200, 1], ['miss', 300, 50, undefined]]);
  assert.deepEqual(classifyPicks(picks, undefined, 40).map((m) => m.kind), ['pick', 'pick']);
});

test('gallery figure: circles at the particles on the shrunk image, with the score on hover', () => {
  // 800 × 400 shrunk to 200 × 100: binning by 4, pixel j centred at original 4j + 1.5
  const html = renderGalleryFigure('m<1>', 'caption', makeImage(800, 400, new Float32Array(800 * 400).map((_, i) => i % 13)),
    [{ x: 401.5, y: 201.5, diameterPx: 40, kind: 'fp', score: -1.234 }], { size: 200, lowpassPx: 0 });
  assert.match(html, /viewBox="0 0 200 100"/);
  assert.match(html, /<circle cx="100\.5" cy="50\.5" r="5\.0" class="fp"><title>false positive, score -1\.23 at \(402, 202\)<\/title>/);
  assert.match(html, /<b>m&lt;1&gt;<\/b>/);
  assert.match(html, /src="data:image\/jpeg;base64,\/9j\//);
});

test('paged gallery: pages of the given size with one button each; one page needs no pager', () => {
  const figures = Array.from({ length: 25 }, (_, i) => `<figure>${i}</figure>`);
  const html = renderPagedGallery('g', figures, 12);
  assert.equal((html.match(/data-page="/g) ?? []).length, 3);
  assert.match(html, /data-go="2">25–25</);
  assert.doesNotMatch(renderPagedGallery('g', figures.slice(0, 5), 12), /pager|<script>/);
});
