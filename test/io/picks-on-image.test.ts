// Picks outside their micrograph: counted per micrograph, the binning or y flip that would fit is
// found, and `cryopick convert --micrographs` warns with the counts and drops them with --drop-outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeImage } from '../../src/image/image.js';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { convertCoordinates } from '../../src/io/coordinate-convert.js';
import { readCoordinates, writeCoordinates } from '../../src/io/coordinate-formats.js';
import { writeMrc } from '../../src/io/mrc.js';
import { countOutside, describeOutside, fittingFrame } from '../../src/io/picks-on-image.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

test('counts picks inside and outside, and finds the scale or flip that fits', () => {
  const a = { micrograph: 'a', width: 100, height: 50, particles: [{ x: 10, y: 10 }, { x: 150, y: 20 }, { x: 99.4, y: 49.4 }, { x: -0.6, y: 3 }] };
  assert.deepEqual(countOutside([a]), [{ micrograph: 'a', inside: 2, outside: 2, width: 100, height: 50 }]);
  assert.match(describeOutside(countOutside([a])), /^2 of 4 picks lie outside their micrographs \(a: 2 of 4 outside its 100×50 pixels\)$/);
  // picked on ×2 finer (super-resolution) coordinates: halving fits
  const fine = { micrograph: 'b', width: 100, height: 50, particles: [{ x: 20, y: 20 }, { x: 190, y: 90 }] };
  assert.deepEqual(fittingFrame([fine]), { scale: 0.5, flipY: false });
  // y counted from the other edge as negative rows, on ×4 finer coordinates: flip and quarter
  const flipped = { micrograph: 'c', width: 100, height: 50, particles: [{ x: 40, y: -20 }, { x: 300, y: -100 }] };
  assert.deepEqual(fittingFrame([flipped]), { scale: 0.25, flipY: true });
  // all inside: nothing to suggest; scattered beyond any simple frame: nothing either
  assert.equal(fittingFrame([{ ...a, particles: [{ x: 1, y: 1 }] }]), undefined);
  assert.equal(fittingFrame([{ ...a, particles: [{ x: 1, y: 1 }, { x: -5000, y: 1e6 }] }]), undefined);
});

test('convert --micrographs warns about off-image picks with counts; --drop-outside drops them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-outside-'));
  try {
    mkdirSync(join(dir, 'mics'));
    await writeMrc(join(dir, 'mics', 'm1.mrc'), makeImage(64, 48));
    await writeMrc(join(dir, 'mics', 'm2.mrc'), makeImage(64, 48));
    await writeCoordinates(join(dir, 'in.star'), [
      { micrograph: 'm1', frame: ORIGINAL_FRAME, particles: [{ x: 10, y: 10 }, { x: 70, y: 10 }, { x: 20, y: 60 }] },
      { micrograph: 'm2', frame: ORIGINAL_FRAME, particles: [{ x: 5, y: 5 }] },
    ], 'star');
    const reports: string[] = [];
    const kept = await convertCoordinates([join(dir, 'in.star')], { to: 'star', out: join(dir, 'all.star'), micrographs: join(dir, 'mics'), onOutside: (r) => reports.push(r) });
    assert.equal(kept.outside, 2);
    assert.equal(kept.particles, 4, 'without --drop-outside they are written');
    assert.match(reports[0] ?? '', /^2 of 4 picks lie outside their micrographs \(m1: 2 of 3 outside its 64×48 pixels\); multiplied by 0\.5 every pick would lie inside/);

    const r = spawnSync(process.execPath, [BIN, 'convert', join(dir, 'in.star'), '--to', 'box', '-o', join(dir, 'box') + '/', '--micrographs', join(dir, 'mics'), '--drop-outside', '--box-size', '10'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: 2 of 4 picks lie outside their micrographs .*; dropped \(--drop-outside\)/);
    assert.match(r.stdout, /wrote 2 particles .*\(2 outside their micrograph dropped\)/);
    const back = await readCoordinates(join(dir, 'box', 'm1.box'), { boxSize: 10 });
    assert.deepEqual(back[0]?.particles.map((p) => [p.x, p.y]), [[10, 10]]);

    const plain = spawnSync(process.execPath, [BIN, 'convert', join(dir, 'in.star'), '--to', 'star', '-o', join(dir, 'plain.star'), '--micrographs', join(dir, 'mics')], { encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stderr, /written anyway \(--drop-outside drops them\)/);
    const noMics = spawnSync(process.execPath, [BIN, 'convert', join(dir, 'in.star'), '--to', 'star', '-o', join(dir, 'x.star'), '--drop-outside'], { encoding: 'utf8' });
    assert.equal(noMics.status, 2);
    assert.match(noMics.stderr, /--drop-outside needs the micrographs' sizes: give --micrographs DIR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
