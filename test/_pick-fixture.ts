// Shared fixtures for end-to-end pick tests: a real (untrained) ResNet8 .onnx model, small blob
// micrographs written as MRC files, the CLI run in-process with its output captured, and a
// snapshot of every file of a pick run for byte comparisons.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { COMMANDS } from '../src/cli/registry/index.js';
import { PickerModel } from '../src/models/picker-model.js';
import { defaultConfig } from '../src/models/topaz/spec.js';
import { writeMrc } from '../src/io/mrc.js';
import { blobImage } from './pick/_fake-model.js';

/** Writes an untrained ResNet8 picker (binning 2, standardised, diameter 32 px) to `path`. */
export async function writeTestModel(path: string, seed = 3): Promise<string> {
  await PickerModel.create(defaultConfig('resnet8'), seed).exportOnnx(path, {
    input: { preprocess: { downsample: { kind: 'factor', factor: 2, method: 'bin' }, normalize: { kind: 'standardize' } }, particleDiameter: 32 },
  });
  return path;
}

/** Micrograph `name` (k = its number): 160 × 144 px with three blobs placed by k. */
export function testMicrograph(k: number): ReturnType<typeof blobImage> {
  const blobs = [{ x: 40 + 5 * (k % 7), y: 50, peak: 4 }, { x: 110, y: 100 - 3 * (k % 5), peak: 3 }, { x: 60, y: 110, peak: 2 }];
  return blobImage(160, 144, blobs, 6);
}

/** Writes `count` test micrographs `mic_000.mrc` … into `dir`; returns their paths. */
export async function writeTestMicrographs(dir: string, count: number, first = 0): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let k = first; k < first + count; k++) {
    const p = join(dir, `mic_${String(k).padStart(3, '0')}.mrc`);
    await writeMrc(p, testMicrograph(k));
    paths.push(p);
  }
  return paths;
}

/** Runs `cryopick ARGS` in-process; returns what it printed on stdout. Throws what the command throws. */
export async function runCli(args: readonly string[]): Promise<string> {
  const program = new Command('cryopick').exitOverride();
  for (const r of COMMANDS) r(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return out;
}

/** Every file under `dir` (relative path → content), skipping the folders named in `skip`. */
export async function snapshotFiles(dir: string, skip: readonly string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!skip.includes(relative(dir, p))) await walk(p);
      } else {
        out[relative(dir, p)] = (await readFile(p)).toString('base64');
      }
    }
  };
  await walk(dir);
  return out;
}
