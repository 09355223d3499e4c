// Preprocessing of one micrograph file: read, preprocess, write an MRC with the new pixel size,
// going through the content-addressed cache when one is given. Runs in worker threads
// (preprocess-worker.ts) or in the calling thread; also gives train/pick cached images directly.
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Image2D } from '../image/image.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import { preprocessImageDetailed } from '../image/preprocess.js';
import type { PreprocessResult } from '../image/preprocess.js';
import { micrographReader, readMicrograph } from '../io/micrograph.js';
import { writeMrc } from '../io/mrc.js';
import { FileExistsError } from '../io/atomic-write.js';
import { cacheEntryPaths, preprocessCacheKey, readCacheEntry, writeCacheInfo } from './preprocess-cache.js';
import type { CacheKeyBy, PreprocessedInfo, StorageMode } from './preprocess-cache.js';

export interface PreprocessFileTask {
  readonly input: string;
  /** Output MRC path; undefined = keep the result only in the cache (then cacheDir is required). */
  readonly output?: string;
  readonly params: PreprocessParams;
  readonly mode: StorageMode;
  readonly cacheDir?: string;
  readonly keyBy: CacheKeyBy;
  readonly overwrite: boolean;
  /** Read MRC files that depart from the standard, with warnings (NaN/±Inf pixels are replaced). */
  readonly permissive?: boolean;
}

export interface PreprocessFileResult extends PreprocessedInfo {
  readonly input: string;
  /** The preprocessed MRC: the output path, or the cache entry when no output was asked for. */
  readonly output: string;
  /** True when the result came from the cache instead of being computed. */
  readonly cached: boolean;
  /** What a permissive read went past (each naming the file). */
  readonly warnings?: readonly string[];
}

function infoOf(result: PreprocessResult): PreprocessedInfo {
  const { image, plan, stats, nonFiniteReplaced } = result;
  const base = {
    width: image.width, height: image.height, plan, nonFiniteReplaced,
    stats: { method: stats.method, mean: stats.mean, std: stats.std },
  };
  return image.pixelSizeA === undefined ? base : { ...base, pixelSizeA: image.pixelSizeA };
}

async function writeImage(path: string, image: Image2D, mode: StorageMode, overwrite: boolean): Promise<void> {
  await writeMrc(path, image, { mode: mode === 'float16' ? 12 : 2, overwrite });
}

/** Copies via a temporary name and a rename, so the target is never half-written. */
async function copyAtomic(from: string, to: string, overwrite: boolean): Promise<void> {
  if (!overwrite && existsSync(to)) throw new FileExistsError(to);
  await mkdir(dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    await copyFile(from, tmp);
    await rename(tmp, to);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Preprocesses one file (or takes it from the cache) and writes the result.
 * @throws FormatError for unreadable input, ConfigError for params the file cannot satisfy,
 * FileExistsError when the output exists and overwrite is false.
 */
export async function preprocessFile(task: PreprocessFileTask): Promise<PreprocessFileResult> {
  const { input, output, params, mode, cacheDir, keyBy, overwrite } = task;
  if (output === undefined && cacheDir === undefined) throw new TypeError('preprocessFile needs an output path or a cache folder');
  if (output !== undefined && !overwrite && existsSync(output)) throw new FileExistsError(output);
  const warnings: string[] = [];
  const read = micrographReader(task.permissive ?? false, (m) => warnings.push(m));
  const noted = <T extends object>(r: T): T => (warnings.length > 0 ? { ...r, warnings } : r);
  if (cacheDir === undefined) {
    const result = preprocessImageDetailed(await read(input), params);
    await writeImage(output!, result.image, mode, overwrite);
    return noted({ ...infoOf(result), input, output: output!, cached: false });
  }
  const key = await preprocessCacheKey(input, params, mode, keyBy, task.permissive ?? false);
  const entry = cacheEntryPaths(cacheDir, key);
  let info = await readCacheEntry(cacheDir, key);
  const cached = info !== undefined;
  if (info === undefined) {
    const result = preprocessImageDetailed(await read(input), params);
    info = infoOf(result);
    await writeImage(entry.mrc, result.image, mode, true);
    await writeCacheInfo(cacheDir, key, info);
  }
  if (output === undefined) return noted({ ...info, input, output: entry.mrc, cached });
  await copyAtomic(entry.mrc, output, overwrite);
  return noted({ ...info, input, output, cached });
}

export interface LoadPreprocessedOptions {
  readonly cacheDir?: string;
  readonly mode?: StorageMode;
  readonly keyBy?: CacheKeyBy;
}

/**
 * The preprocessed image of one micrograph file, in this thread, from the cache when possible
 * (and stored there when computed). With a float16 cache the pixels are those stored in the
 * cache, so a hit and a miss return identical values.
 */
export async function loadPreprocessedImage(
  input: string, params: PreprocessParams, options: LoadPreprocessedOptions = {},
): Promise<{ image: Image2D; info: PreprocessedInfo; cached: boolean }> {
  const { cacheDir, mode = 'float32', keyBy = 'content' } = options;
  if (cacheDir === undefined) {
    const result = preprocessImageDetailed(await readMicrograph(input), params);
    return { image: result.image, info: infoOf(result), cached: false };
  }
  const r = await preprocessFile({ input, params, mode, cacheDir, keyBy, overwrite: false });
  const stored = await readMicrograph(r.output);
  const image: Image2D = r.pixelSizeA === undefined
    ? { width: stored.width, height: stored.height, data: stored.data }
    : { width: stored.width, height: stored.height, data: stored.data, pixelSizeA: r.pixelSizeA };
  const { input: _input, output: _output, cached, ...info } = r;
  return { image, info, cached };
}
