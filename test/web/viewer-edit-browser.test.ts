// End-to-end test of `cryopick view` editing in a real headless Chromium, checked against what is
// saved: drag a pick to a new place, drag another and undo with z, delete a third and undo with
// Ctrl+Z; move the lowpass slider (the image shown is the image module's lowpass at that cut-off,
// smoother on screen) and find it saved with the session and restored on restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { readCoordinates } from '../../src/io/coordinate-formats.js';
import { micrographKey, type Particle } from '../../src/io/coords.js';
import { detectionsPath, readDetections } from '../../src/pick/detections.js';
import { DisplayImages } from '../../src/web/display-images.js';
import { browserSkipReason, openBrowser, ready, until } from './_browser.js';
import { startCliViewer } from './_cli-viewer.js';
import { makeViewFixture, MARKER } from './_view-fixture.js';

const skip = browserSkipReason();

interface ViewTransform { zoom: number; offsetX: number; offsetY: number; scaleX: number; scaleY: number; imageOffset: number }

/** Page position of an original-micrograph pixel on the canvas (the canvas publishes its transform). */
async function screenOf(canvas: Locator, x: number, y: number): Promise<{ x: number; y: number }> {
  const v = JSON.parse((await canvas.getAttribute('data-view'))!) as ViewTransform;
  const box = (await canvas.boundingBox())!;
  return {
    x: box.x + v.offsetX + ((x - v.imageOffset) / v.scaleX + 0.5) * v.zoom,
    y: box.y + v.offsetY + ((y - v.imageOffset) / v.scaleY + 0.5) * v.zoom,
  };
}

/** Drags with the mouse from one original pixel to another, in small steps as a hand would. */
async function drag(page: Page, canvas: Locator, from: Particle, to: { x: number; y: number }): Promise<void> {
  const a = await screenOf(canvas, from.x, from.y);
  const b = await screenOf(canvas, to.x, to.y);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 12 });
  await page.mouse.up();
}

/** The server's picks of micrograph `i` (what Save writes). */
async function serverPicks(url: string, i: number): Promise<Particle[]> {
  const r = await fetch(new URL(`/api/micrographs/${i}`, url));
  return ((await r.json()) as { picks: Particle[] }).picks;
}

/** The threshold the session filters with (the run's saved or default one). */
async function sessionThreshold(url: string): Promise<number> {
  const r = await fetch(new URL('/api/session', url));
  return ((await r.json()) as { filter: { threshold: number } }).filter.threshold;
}

const near = (ps: readonly Particle[], x: number, y: number, r: number): Particle[] => ps.filter((p) => Math.hypot(p.x - x, p.y - y) <= r);

/** Mean absolute difference of horizontally neighbouring pixels (grey) of a screenshot region: fine detail. */
function roughness(png: Buffer): number {
  const img = PNG.sync.read(png);
  let s = 0;
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 1; x < img.width; x++) {
      s += Math.abs((img.data[4 * (y * img.width + x)] as number) - (img.data[4 * (y * img.width + x - 1)] as number));
      n++;
    }
  }
  return s / n;
}

test('viewer: drag moves a pick, z and Ctrl+Z undo a move and a delete, the lowpass slider filters and is saved', { skip, timeout: 180_000 }, async () => {
  const f = await makeViewFixture();
  const args = [...f.micrographs, '--run', f.run, '--display-size', '600'];
  let viewer = await startCliViewer(args);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    page.on('pageerror', (e) => console.log('pageerror', e));
    await ready(page, viewer.url);
    const canvas = page.locator('#view');
    const mic0 = f.micrographs[0] as string;
    const threshold = await sessionThreshold(viewer.url);
    const detections = (await readDetections(detectionsPath(f.run, mic0))).particles;
    // the three best picks shown at the run's threshold (detections are stored best first)
    const [p, q, r] = detections.filter((d) => (d.score as number) >= threshold) as [Particle, Particle, Particle];
    assert.ok(r !== undefined, 'three picks shown on micrograph 0');
    const kept = detections.length;
    assert.equal((await serverPicks(viewer.url, 0)).length, kept, 'the session starts with every detection of micrograph 0');

    // 1. drag the best pick onto the marker (nothing picked within 60 px of it)
    await drag(page, canvas, p, MARKER);
    const afterMove = await until(() => serverPicks(viewer.url, 0), (ps) => near(ps, p.x, p.y, 1).length === 0, 'the moved pick on the server');
    assert.equal(afterMove.length, kept, 'a move neither adds nor removes');
    assert.equal(near(afterMove, MARKER.x, MARKER.y, 4).length, 1, 'the pick is where it was dropped');

    // 2. drag the second pick somewhere, then press z: it is back where it was
    await drag(page, canvas, q, { x: q.x + 45, y: q.y - 35 });
    await until(() => serverPicks(viewer.url, 0), (ps) => near(ps, q.x, q.y, 1).length === 0, 'the second move');
    await page.keyboard.press('z');
    const undone = await until(() => serverPicks(viewer.url, 0), (ps) => near(ps, q.x, q.y, 0.01).length === 1, 'z to undo the move');
    assert.equal(near(undone, q.x + 45, q.y - 35, 5).length, 0, 'nothing left at the place the undone move went to');
    assert.equal(near(undone, MARKER.x, MARKER.y, 4).length, 1, 'undo took back only the last edit');

    // 3. delete the third (right-click), undo with Ctrl+Z
    const at = await screenOf(canvas, r.x, r.y);
    await page.mouse.click(at.x, at.y, { button: 'right' });
    await until(() => serverPicks(viewer.url, 0), (ps) => ps.length === kept - 1, 'the delete');
    await page.keyboard.press('Control+z');
    await until(() => serverPicks(viewer.url, 0), (ps) => ps.length === kept && near(ps, r.x, r.y, 0.01).length === 1, 'Ctrl+Z to undo the delete');

    // 4. the lowpass slider: the image requested and drawn is the image module's lowpass at that cut-off
    await page.keyboard.press('h'); // picks hidden: the canvas shows only the image
    const sharp = roughness(await canvas.screenshot());
    const served = page.waitForResponse((res) => res.url().includes('/api/micrographs/0/image?lowpass=12&'));
    await page.locator('#lowpass').fill('12');
    // (the browser's copy of a no-store body is not kept: the same URL is asked again; the server's cache answers)
    const body = Buffer.from(await (await fetch((await served).url())).arrayBuffer());
    const expected = await new DisplayImages({ displaySize: 600 }).display(mic0, { lowpassPx: 12, lowPercentile: 1, highPercentile: 99 });
    assert.ok(body.equals(expected.png), 'the served image is the lowpass-filtered display image');
    assert.equal(await page.textContent('#lowpass-value'), '12 px');
    const smooth = await until(async () => roughness(await canvas.screenshot()), (v) => v < sharp / 1.5, 'a smoother image on the canvas');
    assert.ok(smooth < sharp / 1.5, `roughness ${sharp.toFixed(2)} → ${smooth.toFixed(2)}`);
    await page.keyboard.press('h');

    // 5. save: the moved pick at its new place, the undone ones where they were, the lowpass in the state
    await page.click('#save');
    await until(() => page.textContent('#status'), (t) => t?.startsWith('saved') === true, 'saved');
    const saved = await readCoordinates(join(f.run, 'curated', 'relion', 'autopick.star'));
    const s0 = saved.find((m) => micrographKey(m.micrograph) === 'mic0')?.particles ?? [];
    const shownAtThreshold = (await serverPicks(viewer.url, 0)).filter((x) => (x.score as number) >= threshold);
    assert.equal(s0.length, shownAtThreshold.length);
    assert.equal(near(s0, MARKER.x, MARKER.y, 4).length, 1, 'the dragged pick is saved where it was dropped (original pixels)');
    assert.equal(near(s0, p.x, p.y, 1).length, 0, 'and not at its old place');
    assert.equal(near(s0, q.x, q.y, 0.01).length, 1, 'the undone move is saved at the original place');
    assert.equal(near(s0, r.x, r.y, 0.01).length, 1, 'the undone delete is saved');
    const state = JSON.parse(await readFile(join(f.run, 'curated', 'view-state.json'), 'utf8')) as { display?: unknown };
    assert.deepEqual(state.display, { lowpassPx: 12, lowPercentile: 1, highPercentile: 99 });

    // 6. restart: the slider comes back at 12 and the first image is requested with it
    await viewer.stop();
    viewer = await startCliViewer(args);
    const again = page.waitForResponse((res) => res.url().includes('/api/micrographs/0/image?lowpass=12&'));
    await ready(page, viewer.url);
    await again;
    assert.equal(await page.locator('#lowpass').inputValue(), '12');
  } finally {
    await browser.close();
    await viewer.stop();
  }
});
