// Reading and preprocessing in worker threads (prepare-pool.ts): the detections are byte-identical
// to the main-thread path, a bad file fails with the same message (and --skip-bad lists it), and
// --permissive warnings arrive from the workers as from the main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMrc } from '../../src/io/mrc.js';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { PreparePool } from '../../src/pick/prepare-pool.js';
import { prepareMicrograph } from '../../src/pick/prepared.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { parsePreprocessParams } from '../../src/image/preprocess-params.js';
import { UserError } from '../../src/errors.js';
import { blobImage, fakeModel } from './_fake-model.js';

const OPTS = { minDistancePx: 40, floor: -6, inference: 'dense' as const, diameterPx: 40, modelId: 'fake', concurrency: 2 };

async function withMics(fn: (dir: string, mics: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-prepare-'));
  try {
    const mics: string[] = [];
    for (let i = 0; i < 4; i++) {
      const path = join(dir, `mic_${i}.mrc`);
      await writeMrc(path, blobImage(300, 260, [{ x: 50 + 30 * i, y: 60, peak: 4 }, { x: 200, y: 180 - 20 * i, peak: 2 - i }], 5));
      mics.push(path);
    }
    await fn(dir, mics);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function detections(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(join(dir, 'detections'))).filter((f) => f.endsWith('.tsv')).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, 'detections', f), 'utf8')] as const)));
}

test('worker threads prepare exactly what the main thread prepares', async () => {
  await withMics(async (dir, mics) => {
    const fourier = parsePreprocessParams({ downsample: { kind: 'factor', factor: 3, method: 'fourier' }, normalize: { kind: 'gmm' } });
    const pool = new PreparePool(2);
    try {
      const [a, b] = await Promise.all([pool.prepare(mics[0] as string, fourier, false, () => {}), pool.prepare(mics[1] as string, fourier, false, () => {})]);
      for (const [got, path] of [[a, mics[0]], [b, mics[1]]] as const) {
        const want = prepareMicrograph(await readMicrograph(path as string), fourier);
        assert.deepEqual([got.width, got.height, got.plan], [want.width, want.height, want.plan]);
        assert.deepEqual(got.pre.data, want.pre.data);
      }
    } finally {
      await pool.close();
    }
    const main = join(dir, 'main');
    const workers = join(dir, 'workers');
    await pickMicrographs(mics, fakeModel(2), { ...OPTS, outDir: main, prepareThreads: 0 });
    const r = await pickMicrographs(mics, fakeModel(2), { ...OPTS, outDir: workers, prepareThreads: 2 });
    assert.equal(r.picked, 4);
    const want = await detections(main);
    assert.equal(Object.keys(want).length, 4);
    assert.deepEqual(await detections(workers), want);
  });
});

test('a bad micrograph fails in a worker with the main thread\'s message; --skip-bad lists it', async () => {
  await withMics(async (dir, mics) => {
    await writeFile(mics[2] as string, 'not an MRC file');
    const failure = async (prepareThreads: number): Promise<UserError> => {
      try {
        await pickMicrographs(mics, fakeModel(2), { ...OPTS, outDir: join(dir, `fail-${prepareThreads}`), prepareThreads });
      } catch (err) {
        assert.ok(err instanceof UserError);
        return err;
      }
      throw new Error('the run should have failed');
    };
    const [main, worker] = [await failure(0), await failure(2)];
    // the file's problem is the same; how many micrographs finished beside it depends on timing
    const problem = (e: UserError): string => e.message.split(';')[0] as string;
    assert.equal(problem(worker), problem(main));
    assert.equal(worker.code, main.code);
    assert.match(worker.message, /mic_2\.mrc.*expected a 1024-byte MRC header.*--resume/);
    const r = await pickMicrographs(mics, fakeModel(2), { ...OPTS, outDir: join(dir, 'skip'), prepareThreads: 2, skipBad: true });
    assert.equal(r.picked, 3);
    assert.deepEqual(r.failed.map((f) => f.micrograph), [mics[2]]);
  });
});

test('--permissive warnings come back from the workers', async () => {
  await withMics(async (dir, mics) => {
    const bytes = await readFile(mics[1] as string);
    bytes.writeFloatLE(Number.NaN, 1024 + 4 * 7); // pixel 7 of a plain float32 MRC
    await writeFile(mics[1] as string, bytes);
    const run = async (prepareThreads: number): Promise<string[]> => {
      const warnings: string[] = [];
      await pickMicrographs(mics, fakeModel(2), { ...OPTS, outDir: join(dir, `perm-${prepareThreads}`), prepareThreads, permissive: true, onWarning: (m) => warnings.push(m) });
      return warnings;
    };
    const main = await run(0);
    assert.equal(main.length, 1);
    assert.match(main[0] as string, /mic_1\.mrc byte \d+: 1 non-finite pixel.*replaced by the mean/);
    assert.deepEqual(await run(2), main);
    await assert.rejects(pickMicrographs(mics, fakeModel(2), { ...OPTS, outDir: join(dir, 'strict'), prepareThreads: 2 }), /mic_1\.mrc.*non-finite.*--permissive/);
  });
});
