// What a pick run does when things go wrong: another model at the same path, a detection file cut
// at a line boundary, a micrograph that fails before or after others finished, --skip-bad (and its
// listing in the HTML report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { detectionsPath } from '../../src/pick/detections.js';
import { FAILED_LIST_NAME, writeFailedList } from '../../src/pick/run-records.js';
import { buildPickReport } from '../../src/report/pick-report.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { FormatError } from '../../src/errors.js';
import type { Image2D } from '../../src/image/image.js';
import { blobImage, fakeModel, type Blob } from './_fake-model.js';

const NAMES = Array.from({ length: 5 }, (_, i) => `mic_${i}.mrc`);
const blobsOf = (name: string): Blob[] => {
  const i = Number(/mic_(\d+)/.exec(name)?.[1]);
  return [{ x: 40 + 5 * i, y: 50, peak: 3 }, { x: 120, y: 90 + 3 * i, peak: 1 }, { x: 60, y: 130, peak: 2 }];
};
const good = async (n: string): Promise<Image2D> => blobImage(180, 160, blobsOf(n), 4);
const badAt = (bad: string) => async (n: string): Promise<Image2D> => {
  if (n === bad) throw new FormatError({ path: n, byteOffset: 0 }, 'expected a 1024-byte MRC header, file has only 0 bytes');
  return good(n);
};
const OPTS = { minDistancePx: 30, floor: -6, inference: 'dense' as const, diameterPx: 30, modelId: 'model.onnx', concurrency: 1, readImage: good };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-pick-safety-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the model\'s SHA-256 is recorded; a resume with another model at the same path is refused, naming both', async () => {
  await withDir(async (dir) => {
    const out = join(dir, 'run');
    await pickMicrographs(NAMES.slice(0, 2), fakeModel(2), { ...OPTS, outDir: out, modelSha256: 'a'.repeat(64) });
    assert.equal(JSON.parse(await readFile(join(out, 'pick-run.json'), 'utf8')).modelSha256, 'a'.repeat(64));
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, resume: true, modelSha256: 'b'.repeat(64) }),
      new RegExp(`cannot resume .*another model: the earlier run used model\\.onnx with SHA-256 ${'a'.repeat(64)}, this one model\\.onnx with SHA-256 ${'b'.repeat(64)}`));
    const r = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, resume: true, modelSha256: 'a'.repeat(64) });
    assert.equal(r.skipped, 2);
  });
});

test('a detection file cut at a line boundary is detected on resume and picked again', async () => {
  await withDir(async (dir) => {
    const out = join(dir, 'run');
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out });
    const path = detectionsPath(out, 'mic_3.mrc');
    const whole = await readFile(path, 'utf8');
    const lines = whole.split('\n');
    await writeFile(path, `${lines.slice(0, lines.length - 3).join('\n')}\n`); // drops the last detection and the end line
    const warnings: string[] = [];
    const model = fakeModel(2);
    const r = await pickMicrographs(NAMES, model, { ...OPTS, outDir: out, resume: true, onWarning: (m) => warnings.push(m) });
    assert.equal(r.skipped, 4);
    assert.equal(model.calls, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /picking mic_3\.mrc again: .*mic_3\.tsv line \d+: the file ends early/);
    assert.equal(await readFile(path, 'utf8'), whole);
  });
});

test('a run that fails on its first micrograph leaves nothing; one that fails later says --resume and resumes', async () => {
  await withDir(async (dir) => {
    const out = join(dir, 'run');
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, readImage: badAt('mic_0.mrc') }), /mic_0\.mrc byte 0: .*--skip-bad/);
    assert.deepEqual(existsSync(out) ? readdirSync(out) : [], [], 'no manifest, no detections/');
    // a later failure keeps the finished micrographs and says how to finish
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, readImage: badAt('mic_2.mrc') }),
      /mic_2\.mrc byte 0: .*; 2 of 5 micrographs are done: fix or remove mic_2\.mrc and rerun with --resume to finish/);
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out }), /already holds a pick run; pass --resume/);
    const r = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, resume: true });
    assert.equal(r.skipped, 2);
    assert.equal(r.picked, 3);
  });
});

test('--skip-bad goes past an unreadable micrograph and lists it with its reason', async () => {
  await withDir(async (dir) => {
    const out = join(dir, 'run');
    const r = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, concurrency: 2, skipBad: true, readImage: badAt('mic_1.mrc') });
    assert.equal(r.picked, 4);
    assert.equal(r.interrupted, false);
    assert.deepEqual(r.failed.map((f) => f.micrograph), ['mic_1.mrc']);
    assert.match(r.failed[0]?.reason ?? '', /expected a 1024-byte MRC header/);
    assert.equal(existsSync(detectionsPath(out, 'mic_1.mrc')), false);
    const again = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, resume: true, skipBad: true });
    assert.equal(again.picked, 1, 'a resume picks only the skipped micrograph');
    assert.deepEqual(again.failed, []);
  });
});

test('the HTML report of a --skip-bad run lists the skipped micrographs with their reasons', async () => {
  await withDir(async (dir) => {
    const out = join(dir, 'run');
    const r = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, skipBad: true, readImage: badAt('mic_3.mrc') });
    await writeFailedList(out, r.failed); // as `cryopick pick` does
    const report = await buildPickReport(out, { previews: 5, readImage: good });
    const html = renderHtmlReport(report);
    const skipped = report.sections.find((s) => s.title === 'Skipped micrographs (1)');
    assert.ok(skipped, report.sections.map((s) => s.title).join(', '));
    assert.deepEqual(skipped.tables?.[0]?.rows, [['mic_3.mrc', 'mic_3.mrc byte 0: expected a 1024-byte MRC header, file has only 0 bytes']]);
    assert.match(html, /<td>mic_3\.mrc<\/td><td>mic_3\.mrc byte 0: expected a 1024-byte MRC header/);
    assert.match(html, /1 of 5 micrograph\(s\) could not be picked and were skipped/);
    assert.ok(report.sections[0]?.metrics?.some((m) => m.name === 'skipped (could not be picked)' && m.value === 1));
    assert.equal((html.match(/<figure/g) ?? []).length >= 4, true, 'the four picked micrographs are previewed');
    // a resume that picks it removes the list (the CLI deletes failed-micrographs.tsv): the section goes
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, resume: true });
    await rm(join(out, FAILED_LIST_NAME));
    const after = await buildPickReport(out, { previews: 0, readImage: good });
    assert.equal(after.sections.some((s) => s.title.startsWith('Skipped')), false);
  });
});

test('--overwrite clears the earlier run first: a killed overwrite resumes without any of the old detections', async () => {
  await withDir(async (dir) => {
    const out = join(dir, 'run');
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, modelId: 'old.onnx' });
    await writeFile(join(out, 'threshold.json'), '{"threshold": 1}'); // saved by `cryopick view` for the old run
    // the overwrite dies after its first micrograph (a crash, not a user error)
    const crash = new Error('killed');
    let reads = 0;
    const dies = async (n: string): Promise<Image2D> => { if (reads++ >= 1) throw crash; return good(n); };
    await assert.rejects(pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, modelId: 'new.onnx', overwrite: true, readImage: dies }), (e: unknown) => e === crash);
    assert.deepEqual(readdirSync(join(out, 'detections')), ['mic_0.tsv'], 'only the new run\'s detections');
    assert.equal(existsSync(join(out, 'threshold.json')), false, 'the old run\'s saved threshold is gone');
    const r = await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: out, modelId: 'new.onnx', resume: true });
    assert.equal(r.skipped, 1);
    assert.equal(r.picked, 4);
  });
});
