// kill -9 in the middle of a pick run, then --resume: the detection store must equal that of an
// uninterrupted run (nothing lost, nothing duplicated, no half-written file under a final name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { blobImage, fakeModel, type Blob } from './_fake-model.js';

const NAMES = Array.from({ length: 8 }, (_, i) => `mic_${i}.mrc`);
const blobsOf = (name: string): Blob[] => {
  const i = Number(/mic_(\d+)/.exec(name)?.[1]);
  return [{ x: 40 + 5 * i, y: 50, peak: 3 }, { x: 120, y: 90 + 3 * i, peak: 1 - i / 4 }];
};
const OPTS = { minDistancePx: 30, floor: -6, inference: 'dense' as const, diameterPx: 30, modelId: 'fake', readImage: async (n: string) => blobImage(180, 160, blobsOf(n), 4) };

/** The child: the same run, with a slow model so that it can be killed part-way. */
const CHILD = `
const { pickMicrographs } = await import(process.argv[1]);
const { blobImage, fakeModel } = await import(process.argv[2]);
const names = JSON.parse(process.argv[3]);
const blobsOf = ${blobsOf.toString()};
const model = fakeModel(2);
const score = model.scoreMap.bind(model);
model.scoreMap = async (im) => { await new Promise((r) => setTimeout(r, 150)); return score(im); };
await pickMicrographs(names, model, { minDistancePx: 30, floor: -6, inference: 'dense', diameterPx: 30, modelId: 'fake', outDir: process.argv[4], concurrency: 1,
  readImage: async (n) => blobImage(180, 160, blobsOf(n), 4) });
`;

async function store(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(join(dir, 'detections'))).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, 'detections', f), 'utf8')] as const)));
}

test('kill -9 during picking, then --resume, gives exactly the uninterrupted result', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-kill-'));
  try {
    const full = join(root, 'full');
    await pickMicrographs(NAMES, fakeModel(2), { ...OPTS, outDir: full });
    const part = join(root, 'part');
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD,
      new URL('../../src/pick/pick-run.js', import.meta.url).href, new URL('./_fake-model.js', import.meta.url).href, JSON.stringify(NAMES), part], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const detections = join(part, 'detections');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(existsSync(detections) && readdirSync(detections).filter((f) => f.endsWith('.tsv')).length >= 3)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const done = readdirSync(detections).filter((f) => f.endsWith('.tsv')).length;
    assert.ok(done >= 3 && done < NAMES.length, `killed after ${done} micrographs`);
    const model = fakeModel(2);
    const r = await pickMicrographs(NAMES, model, { ...OPTS, outDir: part, resume: true });
    assert.equal(r.skipped, done);
    assert.equal(model.calls, NAMES.length - done);
    const expected = await store(full);
    const got = Object.fromEntries(Object.entries(await store(part)).filter(([f]) => f.endsWith('.tsv')));
    assert.deepEqual(got, expected);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
