// preprocessFiles: preprocess many micrographs in parallel with a worker pool (piscina; default
// one thread per core), through the content-addressed cache, reporting progress per file.
// Outputs are MRC files named after the inputs; nothing is printed here (cli/ does that).
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Piscina } from 'piscina';
import type { PreprocessParams } from '../image/preprocess-params.js';
import type { PreprocessFileResult, PreprocessFileTask } from './preprocess-file.js';
import { runTask } from './preprocess-worker.js';
import type { WorkerReply } from './preprocess-worker.js';
import type { CacheKeyBy, StorageMode } from './preprocess-cache.js';
import { ConfigError, UserError } from '../errors.js';

export interface PreprocessFilesOptions {
  /** Worker threads; default all cores. 1 runs in the calling thread. */
  readonly threads?: number;
  /** Called after each file with the number done so far and the total. */
  readonly onProgress?: (done: number, total: number, result: PreprocessFileResult) => void;
  /** Cache folder: an input already preprocessed with the same params is copied, not recomputed. */
  readonly cacheDir?: string;
  /** How the cache recognises an input: its bytes (default) or its path, size and time. */
  readonly cacheKeyBy?: CacheKeyBy;
  /** Stored sample type; default float32. */
  readonly mode?: StorageMode;
  /** Replace existing outputs; default false (existing outputs are an error before any work). */
  readonly overwrite?: boolean;
  /** Read MRC files that depart from the standard with warnings (see micrographReader). */
  readonly permissive?: boolean;
}

/** A failure of one file, re-thrown in the calling thread with the original code and message. */
export class PreprocessFileError extends UserError {
  readonly input: string;
  constructor(input: string, code: string, message: string) {
    super(code, message.includes(input) ? message : `${input}: ${message}`);
    this.input = input;
  }
}

/** The output name for an input: its base name without image/compression extensions, plus .mrc. */
export function preprocessedName(input: string): string {
  const name = basename(input).replace(/\.(gz|bz2)$/i, '').replace(/\.(mrcs?|map|st|ali|rec|tiff?|png|jpe?g)$/i, '');
  return `${name}.mrc`;
}

function plannedOutputs(inputs: readonly string[], outDir: string | undefined, overwrite: boolean): Array<string | undefined> {
  if (outDir === undefined) return inputs.map(() => undefined);
  const outputs = inputs.map((input) => join(outDir, preprocessedName(input)));
  const problems: Array<{ path: string; message: string }> = [];
  const seen = new Map<string, string>();
  const inputSet = new Set(inputs.map((p) => resolve(p)));
  outputs.forEach((out, i) => {
    if (inputSet.has(resolve(out))) problems.push({ path: out, message: 'is also an input; choose another output folder' });
    const prior = seen.get(out);
    if (prior !== undefined) problems.push({ path: inputs[i]!, message: `would write ${out}, which ${prior} also writes; rename one input` });
    seen.set(out, inputs[i]!);
    if (!overwrite && existsSync(out)) problems.push({ path: out, message: 'already exists; pass overwrite (--overwrite) to replace it' });
  });
  if (problems.length > 0) throw new ConfigError(problems, 'cannot write the preprocessed micrographs');
  return outputs;
}

function unwrap(input: string, reply: WorkerReply): PreprocessFileResult {
  if (reply.ok) return reply.result;
  if (reply.userError) throw new PreprocessFileError(input, reply.code, reply.message);
  const err = new Error(`preprocessing ${input} failed: ${reply.message}`);
  if (reply.stack !== undefined) err.stack = `${err.message}\n[worker] ${reply.stack}`;
  throw err;
}

/**
 * Preprocesses `inputs` into `outDir` (or, with outDir undefined, only into `cacheDir`) and
 * returns one result per input in input order. Stops at the first failing file and throws it.
 * @throws ConfigError before any work when outputs collide or exist (without overwrite);
 * PreprocessFileError (a UserError) for a bad input file.
 */
export async function preprocessFiles(
  inputs: readonly string[], outDir: string | undefined, params: PreprocessParams, options: PreprocessFilesOptions = {},
): Promise<PreprocessFileResult[]> {
  const { cacheDir, onProgress, cacheKeyBy = 'content', mode = 'float32', overwrite = false } = options;
  if (outDir === undefined && cacheDir === undefined) throw new TypeError('preprocessFiles needs an output folder or a cache folder');
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), inputs.length));
  const outputs = plannedOutputs(inputs, outDir, overwrite);
  const tasks: PreprocessFileTask[] = inputs.map((input, i) => {
    const base = { input, params, mode, keyBy: cacheKeyBy, overwrite, ...(options.permissive ? { permissive: true } : {}) };
    const out = outputs[i];
    const withOut = out === undefined ? base : { ...base, output: out };
    return cacheDir === undefined ? withOut : { ...withOut, cacheDir };
  });
  // workerData must be an object: geotiff's web-worker shim, loaded in any worker thread, reads
  // workerData.mod and crashes when workerData is undefined
  const pool = threads > 1
    ? new Piscina({ filename: new URL('./preprocess-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, workerData: {} })
    : undefined;
  const run = (task: PreprocessFileTask): Promise<WorkerReply> =>
    pool === undefined ? runTask(task) : (pool.run(task) as Promise<WorkerReply>);
  const results: PreprocessFileResult[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < tasks.length) {
      const i = next++;
      const task = tasks[i]!;
      try {
        results[i] = unwrap(task.input, await run(task));
      } catch (err) {
        failed = true;
        throw err;
      }
      done++;
      onProgress?.(done, tasks.length, results[i]!);
    }
  };
  try {
    const lanes = Array.from({ length: threads }, () => lane());
    const settled = await Promise.allSettled(lanes);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
  } finally {
    await pool?.destroy();
  }
  return results;
}
