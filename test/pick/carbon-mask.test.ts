// `pick --mask carbon`: the carbon / thick-ice detector against the simulator's film, and the CLI
// end to end (the masked run keeps exactly the unmasked detections off the film; resume and bad
// input), on simulated quick-preset micrographs whose carbon edge the simulator places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, micrographSeed, simulateMicrograph, type SimulatedMicrograph } from '../../src/sim/index.js';
import type { CarbonEdge } from '../../src/sim/contaminants.js';
import { writeMrc } from '../../src/io/mrc.js';
import { detectionsPath, readDetections } from '../../src/pick/detections.js';
import { detectCarbon, isMasked, maskedFraction } from '../../src/pick/carbon-mask.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { runCli } from '../_pick-fixture.js';

const D = 40; // quick preset: 160 Å at 4 Å/px
const QUICK = PRESETS.quick.params;

const film = (s: SimulatedMicrograph): CarbonEdge => {
  const c = s.contaminants.find((k): k is CarbonEdge => k.kind === 'carbon');
  assert.ok(c, 'the simulated micrograph has a carbon edge');
  return c;
};
/** Signed distance into the film (negative: in the hole). */
const intoFilm = (c: CarbonEdge, x: number, y: number): number => Math.hypot(x - c.holeX, y - c.holeY) - c.holeRadiusPx;

test('the carbon detector marks the film and leaves the hole and a carbon-free micrograph alone', () => {
  const withFilm = simulateMicrograph({ ...QUICK, carbonProbability: 1, iceCrystalsPerMicrograph: 0 }, micrographSeed(7, 0));
  const clean = simulateMicrograph({ ...QUICK, carbonProbability: 0, iceCrystalsPerMicrograph: 0 }, micrographSeed(7, 1));
  const c = film(withFilm);
  const mask = detectCarbon(withFilm.image, D);
  let deepFilm = 0, deepFilmMasked = 0, hole = 0, holeMasked = 0;
  for (let j = 0; j < mask.rows; j++) {
    for (let i = 0; i < mask.cols; i++) {
      const [x, y] = [(i + 0.5) * mask.cellPx, (j + 0.5) * mask.cellPx];
      const inside = intoFilm(c, x, y);
      const m = isMasked(mask, x, y);
      if (inside >= D / 2) { deepFilm++; if (m) deepFilmMasked++; }
      if (inside <= -D) { hole++; if (m) holeMasked++; }
    }
  }
  assert.ok(deepFilm > 100, `the film covers ${deepFilm} cells`);
  assert.ok(deepFilmMasked / deepFilm > 0.85, `film marked: ${deepFilmMasked} of ${deepFilm} cells`);
  assert.ok(holeMasked / hole < 0.1, `hole marked: ${holeMasked} of ${hole} cells`);
  assert.ok(maskedFraction(detectCarbon(clean.image, D)) < 0.05, 'a micrograph without carbon keeps (almost) all its area');
  // the same image gives the same mask
  assert.deepEqual(detectCarbon(withFilm.image, D).masked, mask.masked);
});

test('pick --mask carbon keeps exactly the detections off the film, records the mask, and refuses bad input', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-carbon-mask-'));
  try {
    const sims: SimulatedMicrograph[] = [];
    await mkdir(join(dir, 'mics'));
    for (let i = 0; i < 2; i++) {
      const s = simulateMicrograph({ ...QUICK, carbonProbability: 1 }, micrographSeed(11, i));
      sims.push(s);
      await writeMrc(join(dir, 'mics', `carbon_${i}.mrc`), s.image, { pixelSizeA: QUICK.pixelSizeA });
    }
    const mics = join(dir, 'mics');
    const common = ['--model', 'general', '--diameter-px', String(D), '--threads', '1', '--format', 'star'];
    await runCli(['pick', mics, ...common, '-o', join(dir, 'plain')]);
    const out = await runCli(['pick', mics, ...common, '--mask', 'carbon', '-o', join(dir, 'masked')]);
    const said = /mask carbon dropped (\d+) of (\d+) detection\(s\)/.exec(out);
    assert.ok(said, out);
    let onFilm = 0;
    let keptOnFilm = 0;
    let dropped = 0;
    for (const [i, s] of sims.entries()) {
      const name = `carbon_${i}.mrc`;
      const plain = (await readDetections(detectionsPath(join(dir, 'plain'), join(mics, name)))).particles;
      const masked = (await readDetections(detectionsPath(join(dir, 'masked'), join(mics, name)))).particles;
      const key = (p: { x: number; y: number; score?: number }): string => `${p.x} ${p.y} ${p.score}`;
      const kept = new Set(masked.map(key));
      // the mask only removes: the same detections, in the same order, minus those on the mask
      assert.deepEqual(masked, plain.filter((p) => kept.has(key(p))));
      const mask = detectCarbon(s.image, D);
      assert.deepEqual(masked.map(key), plain.filter((p) => !isMasked(mask, p.x, p.y)).map(key), `${name}: kept exactly the detections outside the mask`);
      const c = film(s);
      onFilm += plain.filter((p) => intoFilm(c, p.x, p.y) >= D / 2).length;
      dropped += plain.length - masked.length;
      keptOnFilm += masked.filter((p) => intoFilm(c, p.x, p.y) >= D / 2).length;
    }
    assert.ok(onFilm >= 20, `without the mask the general model leaves ${onFilm} detections on the film (so the test can fail)`);
    assert.ok(keptOnFilm <= 0.05 * onFilm, `the mask keeps ${keptOnFilm} of the ${onFilm} detections ½ d or more inside the film`);
    assert.equal(Number(said[1]), dropped);
    const manifest = JSON.parse(await readFile(join(dir, 'masked', 'pick-run.json'), 'utf8')) as { modelId: string };
    assert.match(manifest.modelId, /mask carbon/);
    // a resume must use the same mask
    await assert.rejects(runCli(['pick', mics, ...common, '-o', join(dir, 'masked'), '--resume']),
      (e) => e instanceof ConfigError && /settings differ/.test(e.message) && /mask carbon/.test(e.message));
    await assert.rejects(runCli(['pick', mics, ...common, '--mask', 'ice', '-o', join(dir, 'bad')]),
      (e) => e instanceof UsageError && e.message === "--mask: expected none or carbon, got 'ice'");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
