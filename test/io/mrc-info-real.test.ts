// `cryopick mrc-info` on the real maps in ../shared/realdata (EMDB, RELION, mrcfile samples,
// microscope software): ordinary departures from MRC2014 are warnings and the exit is 0 when the
// data reads; --strict keeps the validator's verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REALDATA } from '../_paths.js';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;
const MAP = /\.(mrc|mrcs|map)(\.gz|\.bz2)?$/i;

function findMaps(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? findMaps(p) : MAP.test(e) ? [p] : [];
  });
}

const maps = existsSync(REALDATA) ? findMaps(REALDATA).sort() : [];

test('real maps read with warnings (exit 0); --strict reports the departures (exit 1)', { skip: maps.length === 0 ? 'skipped: ../shared/realdata is absent (conformance tests need it beside the repository)' : false }, () => {
  assert.ok(maps.length >= 20, `${maps.length} maps`);
  const lenient = spawnSync(process.execPath, [BIN, 'mrc-info', ...maps], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(lenient.status, 0, lenient.stderr);
  const warned = Number(/warning: (\d+) of (\d+) file\(s\) depart from MRC2014/.exec(lenient.stderr)?.[1]);
  assert.ok(warned >= maps.length - 3, `${warned} of ${maps.length} depart from MRC2014`);
  assert.match(lenient.stdout, /departure\(s\) from MRC2014 \(warnings: the data reads/);
  assert.doesNotMatch(lenient.stdout, /data unreadable/);
  const strict = spawnSync(process.execPath, [BIN, 'mrc-info', '--strict', ...maps], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, new RegExp(`${warned} of ${maps.length} file\\(s\\) invalid \\(MRC2014, --strict\\)`));
});
