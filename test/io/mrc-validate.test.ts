// validateMrc returns every MRC2014 problem of a file at once (not only the first), and
// `cryopick mrc-info` prints them and exits 1 for an invalid file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMrc } from '../../src/io/mrc.js';
import { validateMrc, inspectMrc } from '../../src/io/mrc-validate.js';
import { Command, CommanderError } from 'commander';
import { renderMrcReport } from '../../src/cli/commands/mrc-info.js';
import { register } from '../../src/cli/registry/mrc-info.js';
import { reportError } from '../../src/cli/errors-to-exit.js';

/** Runs `cryopick mrc-info ARGS` through the command module alone (as main.ts does, exit code out). */
async function main(argv: string[]): Promise<number> {
  const program = new Command('cryopick').exitOverride();
  register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return 2;
    return reportError(err);
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-mrcval-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const stack = Array.from({ length: 3 }, (_, z) => ({ width: 4, height: 4, data: Float32Array.from({ length: 16 }, (_, i) => i * 0.5 - z), pixelSizeA: 1.1 }));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
  try {
    return { code: await fn(), out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

test('a file written by writeMrc is valid', async () => {
  await withDir(async (dir) => {
    for (const mode of [0, 1, 2, 6, 12] as const) {
      const path = join(dir, `ok${mode}.mrcs`);
      const images = stack.map((im) => ({ ...im, data: im.data.map((v) => Math.round(v * 2) + 10) }));
      await writeFile(path, encodeMrc(images, { mode }));
      assert.deepEqual(await validateMrc(path), [], `mode ${mode}`);
    }
  });
});

test('validateMrc reports every problem, each with its byte offset', async () => {
  await withDir(async (dir) => {
    const good = encodeMrc(stack);
    const bytes = new Uint8Array(good.length + 7); // 7 stray bytes at the end
    bytes.set(good);
    const v = new DataView(bytes.buffer);
    bytes.set([0x4d, 0x41, 0x50, 0x21], 208); // 'MAP!': first three bytes still 'MAP' → accepted
    v.setInt32(108, 0, true); // nversion
    v.setInt32(32, 0, true); // my
    v.setFloat32(48, -3, true); // cella z
    v.setInt32(88, 401, true); // volume stack with nz=3, mz=2
    v.setInt32(36, 2, true);
    v.setInt32(220, 3, true); // nlabl 3 but only one label set
    bytes.set(Array.from('stray', (c) => c.charCodeAt(0)), 224 + 80 * 5);
    v.setFloat32(80, 100, true); // dmax wrong
    v.setFloat32(216, 0.1, true); // rms wrong
    v.setFloat32(1024 + 8, Number.NaN, true);
    const path = join(dir, 'many.mrc');
    await writeFile(path, bytes);
    const problems = await validateMrc(path);
    const expected: [RegExp, number][] = [
      [/file has 7 bytes after the data/, 1024 + 192],
      [/my is 0, expected a positive number of sampling intervals/, 32],
      [/cell dimension cellaZ is -3, expected >= 0/, 48],
      [/volume stack \(ispg 401\): nz 3 is not a multiple of mz 2/, 36],
      [/nversion is 0, expected 20140 or 20141/, 108],
      [/label 1 is empty but nlabl is 3/, 304],
      [/label 2 is empty but nlabl is 3/, 384],
      [/label 5 is set but nlabl is 3/, 624],
      [/1 non-finite pixel value\(s\) \(NaN or ±Inf\), the first at byte 1032/, 1032],
    ];
    for (const [re, offset] of expected) {
      const p = problems.find((q) => re.test(q.message));
      assert.ok(p, `missing ${re} in ${JSON.stringify(problems.map((q) => q.message))}`);
      assert.equal(p.byteOffset, offset, `${re}`);
    }
    assert.equal(problems.length, expected.length, JSON.stringify(problems.map((q) => q.message)));
  });
});

test('validateMrc checks header statistics against the data (NaN-free file)', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(stack);
    const v = new DataView(bytes.buffer);
    v.setFloat32(76, -50, true);
    v.setFloat32(84, 7, true);
    v.setFloat32(216, 0.1, true);
    const path = join(dir, 'stats.mrc');
    await writeFile(path, bytes);
    const messages = (await validateMrc(path)).map((p) => p.message);
    assert.equal(messages.length, 3, JSON.stringify(messages));
    assert.match(messages[0] ?? '', /header dmin is -50 but the data minimum is -2/);
    assert.match(messages[1] ?? '', /header dmean is 7 but the data mean is 2\.75/);
    assert.match(messages[2] ?? '', /header rms is 0\.1\d* but the data standard deviation is/);
    // "Not determined" markers (dmax < dmin, dmean < both, rms < 0) are not problems.
    v.setFloat32(76, 0, true);
    v.setFloat32(80, -1, true);
    v.setFloat32(84, -2, true);
    v.setFloat32(216, -1, true);
    await writeFile(path, bytes);
    assert.deepEqual(await validateMrc(path), []);
  });
});

test('unknown extended header type and FEI record size are reported', async () => {
  await withDir(async (dir) => {
    const base = encodeMrc(stack[0] ?? stack);
    for (const [exttyp, size, re] of [['ABCD', 100, /exttyp is 'ABCD', expected one of/], ['FEI2', 800, /exttyp FEI2 has 888-byte records but nsymbt 800 is not a multiple/]] as const) {
      const bytes = new Uint8Array(base.length + size);
      bytes.set(base.subarray(0, 1024));
      bytes.set(base.subarray(1024), 1024 + size);
      new DataView(bytes.buffer).setInt32(92, size, true);
      bytes.set(Array.from(exttyp, (c) => c.charCodeAt(0)), 104);
      const path = join(dir, `${exttyp}.mrc`);
      await writeFile(path, bytes);
      const problems = await validateMrc(path);
      assert.equal(problems.length, 1);
      assert.match(problems[0]?.message ?? '', re);
    }
  });
});

test('an unreadable file is reported, not thrown, and marked unreadable', async () => {
  await withDir(async (dir) => {
    const bytes = encodeMrc(stack);
    const v = new DataView(bytes.buffer);
    v.setInt32(12, 9, true);
    bytes.set([0, 0, 0, 0], 208);
    const path = join(dir, 'junk.mrc');
    await writeFile(path, bytes);
    const r = await inspectMrc(path);
    assert.equal(r.readable, false);
    assert.ok(r.problems.some((p) => /map ID/.test(p.message)));
    assert.ok(r.problems.some((p) => /MRC mode 9 is not supported/.test(p.message)));
    assert.match(renderMrcReport(r), /problem\(s\) \(data unreadable\)/);
  });
});

test('cryopick mrc-info prints facts and problems; departures are warnings (exit 0), --strict makes them errors, unreadable data exits 1', async () => {
  await withDir(async (dir) => {
    const okPath = join(dir, 'ok.mrcs');
    await writeFile(okPath, encodeMrc(stack, { mode: 2 }));
    const ok = await capture(() => main(['mrc-info', okPath]));
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /image dimensions {2}4 x 4, 3 section\(s\)/);
    assert.match(ok.out, /mode {14}2 \(float32\), little-endian/);
    assert.match(ok.out, /pixel size {8}1\.10000 Å/);
    assert.match(ok.out, /valid MRC2014 file/);
    const bytes = encodeMrc(stack);
    new DataView(bytes.buffer).setInt32(108, 0, true);
    const badPath = join(dir, 'old.mrc');
    await writeFile(badPath, bytes);
    const old = await capture(() => main(['mrc-info', okPath, badPath]));
    assert.equal(old.code, 0, 'version 0 is an ordinary departure: the data reads');
    assert.match(old.out, /1 departure\(s\) from MRC2014 \(warnings: the data reads; --strict makes them errors\):\n\s+- byte 108: nversion is 0/);
    assert.match(old.err, /^cryopick: warning: 1 of 2 file\(s\) depart from MRC2014 .*--strict/);
    const strict = await capture(() => main(['mrc-info', '--strict', okPath, badPath]));
    assert.equal(strict.code, 1);
    assert.match(strict.err, /1 of 2 file\(s\) invalid \(MRC2014, --strict\): .*old\.mrc/);
    assert.equal((await capture(() => main(['mrc-info', '--permissive', badPath]))).code, 0);
    assert.equal((await capture(() => main(['mrc-info', '--strict', '--permissive', badPath]))).code, 2);
    const cut = join(dir, 'cut.mrcs');
    await writeFile(cut, encodeMrc(stack, { mode: 2 }).subarray(0, 1024 + 4 * 4 * 4 + 8));
    const truncated = await capture(() => main(['mrc-info', cut]));
    assert.equal(truncated.code, 1, 'a truncated file does not read');
    assert.match(truncated.err, /1 of 1 file\(s\) unreadable: .*cut\.mrcs/);
    const json = await capture(() => main(['mrc-info', '--json', okPath]));
    const parsed = JSON.parse(json.out) as { valid: boolean; width: number; depth: number; pixelSizeA: number }[];
    assert.equal(parsed[0]?.valid, true);
    assert.equal(parsed[0]?.depth, 3);
    assert.ok(Math.abs((parsed[0]?.pixelSizeA ?? 0) - 1.1) < 1e-6);
    const missing = await capture(() => main(['mrc-info', join(dir, 'nope.mrc')]));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.mrc: file not found/);
    assert.equal((await capture(() => main(['mrc-info']))).code, 2);
  });
});
