// End-to-end tests of `cryopick view` in a real headless Chromium, as a user would work: move the
// threshold slider and compare the count with `cryopick threshold --threshold`; add a pick on an image
// feature at a known pixel and find it in the saved STAR file in original-micrograph pixels; delete
// a pick, mark a micrograph bad, reload and restart, and see both persisted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { micrographKey, type Particle } from '../../src/io/coords.js';
import { detectionsPath, readDetections } from '../../src/pick/detections.js';
import { readSavedThreshold } from '../../src/pick/saved-threshold.js';
import { browserSkipReason, count, countChange, openBrowser, ready, until } from './_browser.js';
import { CLI, startCliViewer } from './_cli-viewer.js';
import { makeViewFixture, MARKER } from './_view-fixture.js';

const skip = browserSkipReason();

/** The centre of the darkest spot of a screenshot of the canvas (the marker), in canvas pixels. */
function darkestSpot(png: Buffer): { x: number; y: number } {
  const img = PNG.sync.read(png);
  const grey = (x: number, y: number): number => img.data[4 * (y * img.width + x)] as number;
  let best = { x: 0, y: 0, v: Infinity };
  for (let y = 3; y < img.height - 3; y++) {
    for (let x = 3; x < img.width - 3; x++) {
      let s = 0;
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) s += grey(x + dx, y + dy);
      // the canvas outside the image is black too: require grey image around the spot
      if (s < best.v && grey(x - 20 < 0 ? x : x - 20, y) > 0 && grey(Math.min(img.width - 1, x + 20), y) > 0) best = { x, y, v: s };
    }
  }
  // centre of the dark disc around it (the 7×7 minimum can sit anywhere inside the disc)
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = best.y - 15; y <= best.y + 15; y++) {
    for (let x = best.x - 15; x <= best.x + 15; x++) if (grey(x, y) < 20) { sx += x; sy += y; n++; }
  }
  return { x: sx / n + 0.5, y: sy / n + 0.5 };
}

function thresholdCount(run: string, score: string, out: string): number {
  const text = execFileSync(process.execPath, [CLI, 'threshold', run, '--threshold', score, '--out', out], { encoding: 'utf8' });
  const m = /(\d+) particles in/.exec(text);
  assert.ok(m, text);
  return Number(m[1]);
}

const near = (ps: readonly Particle[], x: number, y: number, r: number): Particle[] => ps.filter((p) => Math.hypot(p.x - x, p.y - y) <= r);

test('viewer: threshold count = cryopick threshold; add at a known pixel, delete, mark bad; saved and persisted', { skip, timeout: 180_000 }, async () => {
  const f = await makeViewFixture();
  let viewer = await startCliViewer([...f.micrographs, '--run', f.run, '--display-size', '600']);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    page.on('pageerror', (e) => console.log('pageerror', e));
    page.on('console', (m) => console.log('console', m.text()));
    await ready(page, viewer.url);
    // 1. the threshold slider, moved with the mouse, against `cryopick threshold --threshold`
    const slider = page.locator('#threshold');
    const before = await count(page, '#total');
    const box = (await slider.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
    const value = await slider.inputValue();
    const shown = await countChange(page, '#total', before);
    assert.equal(shown, thresholdCount(f.run, value, join(f.dir, 'thr')), `count shown at score >= ${value}`);

    // 2. add a pick on the marker, found in the rendered image itself (picks hidden)
    const canvas = page.locator('#view');
    await page.keyboard.press('h');
    const spot = darkestSpot(await canvas.screenshot());
    await page.keyboard.press('h');
    const here = await count(page, '#kept');
    const cbox = (await canvas.boundingBox())!;
    await page.mouse.click(cbox.x + spot.x, cbox.y + spot.y);
    assert.equal(await countChange(page, '#kept', here), here + 1);

    // 3. delete the best-scoring detection: select it, press Delete
    const d = await readDetections(detectionsPath(f.run, f.micrographs[0] as string));
    const target = d.particles[0] as Particle;
    const view = JSON.parse((await canvas.getAttribute('data-view'))!) as { zoom: number; offsetX: number; offsetY: number; scaleX: number; scaleY: number; imageOffset: number };
    const at = (v: number, s: number): number => ((v - view.imageOffset) / s + 0.5) * view.zoom;
    await page.mouse.click(cbox.x + view.offsetX + at(target.x, view.scaleX), cbox.y + view.offsetY + at(target.y, view.scaleY));
    await page.keyboard.press('Delete');
    assert.equal(await countChange(page, '#kept', here + 1), here);

    // 4. mark the next micrograph bad
    await page.keyboard.press('n');
    await until(async () => page.url(), (u) => u.endsWith('#1'), 'the next micrograph');
    const totalBefore = await count(page, '#total');
    await page.keyboard.press('b');
    const totalBad = await countChange(page, '#total', totalBefore);

    // 5. reload: the server kept both edits
    await page.goto(`${viewer.url}#0`);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    assert.equal(await count(page, '#total'), totalBad);
    assert.equal(await page.locator('.item.bad').count(), 1);
    assert.equal(await count(page, '#kept'), here);

    // 6. save, then read the STAR file back in original pixels
    await page.click('#save');
    await until(() => page.textContent('#status'), (t) => t?.startsWith('saved') === true, 'saved');
    const saved = await readCoordinates(join(f.run, 'curated', 'relion', 'autopick.star'));
    const byKey = new Map(saved.map((m) => [micrographKey(m.micrograph), m.particles]));
    assert.equal(byKey.has('mic1'), false, 'the bad micrograph is left out');
    const mic0 = byKey.get('mic0') ?? [];
    assert.equal(mic0.length, here);
    const added = near(mic0, MARKER.x, MARKER.y, 4);
    assert.equal(added.length, 1, `one pick within 4 px of the marker at (${MARKER.x}, ${MARKER.y}); got ${JSON.stringify(near(mic0, MARKER.x, MARKER.y, 100))}`);
    assert.equal(near(mic0, target.x, target.y, 1).length, 0, 'the deleted pick is gone');
    const mic2 = await readDetections(detectionsPath(f.run, f.micrographs[2] as string));
    assert.equal((byKey.get('mic2') ?? []).length, mic2.particles.filter((p) => (p.score as number) >= Number(value)).length, 'an unedited micrograph keeps the picks at the threshold');
    assert.equal((await readSavedThreshold(f.run))?.threshold, Number(value));
    assert.ok(existsSync(join(f.run, 'curated', 'labels', 'mic0.star')), 'training labels written');
    assert.equal(existsSync(join(f.run, 'curated', 'labels', 'mic1.star')), false);

    // 7. restart the viewer: the saved session comes back
    await viewer.stop();
    viewer = await startCliViewer([...f.micrographs, '--run', f.run, '--display-size', '600']);
    assert.match(viewer.output(), /restored the saved session/);
    await ready(page, viewer.url);
    assert.equal(await page.locator('.item.bad').count(), 1);
    assert.equal(await page.locator('#threshold').inputValue(), value);
    assert.equal(await count(page, '#kept'), here);
    assert.equal(await count(page, '#total'), totalBad);
    const rewritten = execFileSync(process.execPath, [CLI, 'threshold', f.run, '--saved', '--out', join(f.dir, 'again')], { encoding: 'utf8' });
    assert.match(rewritten, new RegExp(`threshold ${value.replace('.', '\\.')}`));
    assert.ok((await readFile(join(f.run, 'curated', 'view-state.json'), 'utf8')).includes('"mic1": "bad"'));
  } finally {
    await browser.close();
    await viewer.stop();
  }
});

test('viewer: crYOLO boxes with sizes get a size slider whose count matches the sizes; truth shows TP/FP/miss', { skip, timeout: 120_000 }, async () => {
  const f = await makeViewFixture();
  const viewer = await startCliViewer([...f.micrographs, '--picks', f.cbox, '--ref', f.cbox, '--display-size', '600']);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await ready(page, viewer.url);
    assert.equal(await page.isVisible('#size-box'), true);
    const all = [...f.truth.values()].flat().length;
    assert.equal(await count(page, '#total'), all);
    await page.locator('#min-size').fill('36');
    // sizes are 30 + 3k per micrograph (k = 0, 1, ...): two boxes of each micrograph are smaller than 36
    assert.equal(await countChange(page, '#total', all), all - 2 * f.truth.size);
    await until(() => page.textContent('#legend'), (t) => t?.includes('true positive') === true, 'the TP/FP/miss legend');
  } finally {
    await browser.close();
    await viewer.stop();
  }
});
