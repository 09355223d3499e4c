// Makes docs/viewer.png, the README's picture of `cryopick view`, with the browser test harness
// (test/web): the demo's pick run of its held-out micrographs, with the simulated truth.
// Usage (after `npm run build` and `cryopick demo --out DEMO`): node scripts/viewer-screenshot.mjs DEMO [OUT.png]
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { openBrowser } from '../dist/test/web/_browser.js';
import { startCliViewer } from '../dist/test/web/_cli-viewer.js';

const [demo, out = 'docs/viewer.png'] = process.argv.slice(2);
if (!demo) {
  console.error('usage: node scripts/viewer-screenshot.mjs DEMO_OUTPUT [OUT.png]');
  process.exit(2);
}
const scratch = await mkdtemp(join(tmpdir(), 'cryopick-shot-'));
const viewer = await startCliViewer(['--run', join(demo, 'pick'), '--ref', join(demo, 'data', 'truth'), '--out', join(scratch, 'curated')]);
const browser = await openBrowser({ width: 1200, height: 680 });
try {
  const { page } = browser;
  await page.goto(viewer.url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  await page.locator('#lowpass').fill('12');
  await page.locator('#lowpass').dispatchEvent('change');
  await page.waitForTimeout(2500);
  // 32 levels per channel keep the README picture small (the micrograph's noise does not compress)
  const png = PNG.sync.read(await page.screenshot());
  for (let i = 0; i < png.data.length; i++) if (i % 4 !== 3) png.data[i] = Math.min(255, Math.round(png.data[i] / 8) * 8);
  await writeFile(out, PNG.sync.write(png, { colorType: 2 }));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await viewer.stop();
}
