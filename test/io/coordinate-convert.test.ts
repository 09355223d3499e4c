// `cryopick convert` end to end: format to format, scale, flip-y (by height or micrographs),
// threshold, box size, per-micrograph folders, name mismatch reports, exit codes, no partial output.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeImage } from '../../src/image/image.js';
import { ConfigError } from '../../src/errors.js';
import { FileExistsError } from '../../src/io/atomic-write.js';
import { ORIGINAL_FRAME } from '../../src/io/coords.js';
import { convertCoordinates } from '../../src/io/coordinate-convert.js';
import { readCoordinates, writeCoordinates } from '../../src/io/coordinate-formats.js';
import { writeMrc } from '../../src/io/mrc.js';

let dir = '';
const picks = [
  { micrograph: 'mic_001.mrc', frame: ORIGINAL_FRAME, particles: [{ x: 10, y: 20, score: 2 }, { x: 30, y: 5, score: -1 }] },
  { micrograph: 'mic_002.mrc', frame: ORIGINAL_FRAME, particles: [{ x: 7, y: 8, score: 0.5 }] },
];

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'bin.js');

/** Runs the real CLI in a child process (the test runner owns this process's stdout). */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = spawnSync(process.execPath, [BIN, 'convert', ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('cryopick convert', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cryopick-convert-'));
    await writeCoordinates(join(dir, 'in.star'), picks, 'star');
    mkdirSync(join(dir, 'mics'));
    await writeMrc(join(dir, 'mics', 'mic_001.mrc'), makeImage(64, 100));
    await writeMrc(join(dir, 'mics', 'mic_002.mrc'), makeImage(64, 50));
    await writeMrc(join(dir, 'mics', 'mic_003.mrc'), makeImage(64, 50));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('STAR → Topaz with threshold and scale', async () => {
    const r = await run([join(dir, 'in.star'), '--to', 'topaz', '--out', join(dir, 't.txt'), '--threshold', '0', '--scale', '0.5']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote 2 particles of 2 micrograph\(s\) to 1 file\(s\) \(1 below the threshold dropped\)/);
    assert.equal(readFileSync(join(dir, 't.txt'), 'utf8'), 'image_name\tx_coord\ty_coord\tscore\nmic_001\t5\t10\t2\nmic_002\t4\t4\t0.5\n');
  });

  it('STAR → per-micrograph EMAN boxes with --box-size', async () => {
    const r = await convertCoordinates([join(dir, 'in.star')], { to: 'box', out: join(dir, 'boxes') + '/', boxSize: 10 });
    assert.equal(r.written.length, 2);
    assert.deepEqual(readdirSync(join(dir, 'boxes')).sort(), ['mic_001.box', 'mic_002.box']);
    assert.equal(readFileSync(join(dir, 'boxes', 'mic_001.box'), 'utf8'), '5\t15\t10\t10\t2\n25\t0\t10\t10\t-1\n');
    const back = await readCoordinates(join(dir, 'boxes'));
    assert.deepEqual(back.map((m) => m.particles.map((p) => [p.x, p.y, p.score])), picks.map((m) => m.particles.map((p) => [p.x, p.y, p.score])));
  });

  it('--flip-y with --image-height mirrors rows: y → H − 1 − y', async () => {
    await convertCoordinates([join(dir, 'in.star')], { to: 'csv', out: join(dir, 'flip.csv'), flipY: true, imageHeight: 100 });
    const back = await readCoordinates(join(dir, 'flip.csv'));
    assert.deepEqual(back.flatMap((m) => m.particles.map((p) => p.y)), [79, 94, 91]);
  });

  it('--flip-y with --micrographs uses each micrograph\'s own height and reports unmatched names', async () => {
    let mismatch = '';
    const res = await convertCoordinates([join(dir, 'in.star')], {
      to: 'star', out: join(dir, 'flipm.star'), flipY: true, micrographs: join(dir, 'mics'),
      onNameMismatch: (report) => { mismatch = report; },
    });
    assert.equal(res.particles, 3);
    assert.match(mismatch, /have no coordinates: .*mic_003\.mrc/);
    const back = await readCoordinates(join(dir, 'flipm.star'));
    assert.deepEqual(back.flatMap((m) => m.particles.map((p) => p.y)), [79, 94, 41]);
  });

  it('prints the micrograph name mismatch, listing unmatched names', async () => {
    const r = await run([join(dir, 'in.star'), '--to', 'cs', '--out', join(dir, 'o.cs'), '--micrographs', join(dir, 'mics')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /1 micrograph\(s\) have no coordinates: .*mic_003\.mrc/);
    const back = await readCoordinates(join(dir, 'o.cs'));
    assert.deepEqual(back.map((m) => [m.width, m.height]), [[64, 100], [64, 50]]);
    await convertCoordinates([join(dir, 'in.star')], { to: 'cs', out: join(dir, 'r.cs'), micrographs: join(dir, 'mics'), useMicrographNames: true });
    assert.deepEqual((await readCoordinates(join(dir, 'r.cs'))).map((m) => m.micrograph), [join(dir, 'mics', 'mic_001.mrc'), join(dir, 'mics', 'mic_002.mrc')]);
    const strict = await run([join(dir, 'in.star'), '--to', 'cs', '--out', join(dir, 'o2.cs'), '--micrographs', join(dir, 'mics'), '--require-match']);
    assert.equal(strict.code, 1);
    assert.match(strict.err, /micrograph names do not match/);
    assert.equal(existsSync(join(dir, 'o2.cs')), false);
  });

  it('usage errors exit 2; bad input exits 1 with a located one-line message and no output', async () => {
    assert.equal((await run([join(dir, 'in.star'), '--to', 'nope', '--out', join(dir, 'x')])).code, 2);
    writeFileSync(join(dir, 'bad.box'), '1 2 10 10\n1 x 10 10\n');
    const r = await run([join(dir, 'bad.box'), '--to', 'star', '--out', join(dir, 'bad.star')]);
    assert.equal(r.code, 1);
    assert.equal(r.err, `cryopick: ${join(dir, 'bad.box')} line 2: expected a number in column 2 (y), found 'x'\n`);
    assert.equal(existsSync(join(dir, 'bad.star')), false);
    await assert.rejects(convertCoordinates([join(dir, 'in.star')], { to: 'star', out: join(dir, 'f.star'), flipY: true }), /--flip-y needs the image height/);
    await assert.rejects(convertCoordinates([join(dir, 'in.star')], { to: 'star', out: join(dir, 'f.star'), scale: -1 }), ConfigError);
  });

  it('refuses to overwrite without --overwrite', async () => {
    writeFileSync(join(dir, 'exists.star'), 'keep');
    await assert.rejects(convertCoordinates([join(dir, 'in.star')], { to: 'star', out: join(dir, 'exists.star') }), FileExistsError);
    assert.equal(readFileSync(join(dir, 'exists.star'), 'utf8'), 'keep');
    await convertCoordinates([join(dir, 'in.star')], { to: 'star', out: join(dir, 'exists.star'), overwrite: true });
    assert.equal((await readCoordinates(join(dir, 'exists.star'))).length, 2);
  });

  it('writes RELION 3.1 particles and RELION 4 autopick lists that read back', async () => {
    await convertCoordinates([join(dir, 'in.star')], { to: 'star-particles', out: join(dir, 'particles.star'), optics: { pixelSizeA: 1.06 } });
    const text = readFileSync(join(dir, 'particles.star'), 'utf8');
    assert.match(text, /# version 30001/);
    assert.match(text, /data_optics[\s\S]*_rlnMicrographOriginalPixelSize[\s\S]*1\.060000[\s\S]*data_particles/);
    await convertCoordinates([join(dir, 'in.star')], { to: 'star-autopick', out: join(dir, 'AutoPick', 'autopick.star') });
    assert.deepEqual(readdirSync(join(dir, 'AutoPick')).sort(), ['autopick.star', 'mic_001_autopick.star', 'mic_002_autopick.star']);
    const back = await readCoordinates(join(dir, 'AutoPick', 'autopick.star'));
    assert.deepEqual(back.map((m) => [m.micrograph, m.particles.length]), [['mic_001.mrc', 2], ['mic_002.mrc', 1]]);
    // Reading the folder reads the listed files once, through the list.
    const folder = await readCoordinates(join(dir, 'AutoPick'));
    assert.deepEqual(folder.map((m) => [m.micrograph, m.particles.length]), [['mic_001.mrc', 2], ['mic_002.mrc', 1]]);
  });
});
