// Content-addressed cache of preprocessed micrographs: the key hashes the input file (its bytes,
// or its path/size/mtime when asked) together with the canonical preprocessing parameters and the
// storage mode, so train, cross-validation and pick reuse each other's work safely.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreprocessParams } from '../image/preprocess-params.js';
import { preprocessParamsKey } from '../image/preprocess-params.js';
import type { DownsamplePlan } from '../image/downsample.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** How stored pixels are written: float32 (MRC mode 2) or float16 (mode 12, half the size). */
export type StorageMode = 'float32' | 'float16';

/** 'content' hashes every byte of the input; 'stat' uses real path, size and modification time. */
export type CacheKeyBy = 'content' | 'stat';

/** What is known about a preprocessed micrograph besides its pixels (stored beside the MRC). */
export interface PreprocessedInfo {
  readonly width: number;
  readonly height: number;
  readonly pixelSizeA?: number;
  readonly plan: DownsamplePlan;
  readonly stats: { readonly method: string; readonly mean: number; readonly std: number };
  /** NaN/infinite input pixels replaced by the mean of the others before processing. */
  readonly nonFiniteReplaced: number;
}

const CACHE_FORMAT = 'cryopick-preprocess-cache-2';

/**
 * The cache key (hex SHA-256) of one input file under the given parameters and storage mode. A
 * permissive read (NaN pixels replaced, header departures passed) gets keys of its own, so a strict
 * run is never served what a permissive run repaired.
 */
export async function preprocessCacheKey(
  inputPath: string, params: PreprocessParams, mode: StorageMode, keyBy: CacheKeyBy = 'content', permissive = false,
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${CACHE_FORMAT}\n${preprocessParamsKey(params)}\n${mode}\n${keyBy}\n${permissive ? 'permissive\n' : ''}`);
  if (keyBy === 'stat') {
    const s = await stat(inputPath);
    hash.update(`${await realpath(inputPath)}\n${s.size}\n${s.mtimeMs}\n`);
  } else {
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(inputPath);
      stream.on('data', (chunk) => hash.update(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve());
    });
  }
  return hash.digest('hex');
}

/** Where an entry lives: <cacheDir>/<key[0..2]>/<key>.mrc and its .json description. */
export function cacheEntryPaths(cacheDir: string, key: string): { mrc: string; info: string } {
  const dir = join(cacheDir, key.slice(0, 2));
  return { mrc: join(dir, `${key}.mrc`), info: join(dir, `${key}.json`) };
}

/**
 * The description of a complete cache entry, or undefined on a miss. The description is written
 * after the MRC, so its presence means the MRC is complete.
 */
export async function readCacheEntry(cacheDir: string, key: string): Promise<PreprocessedInfo | undefined> {
  const paths = cacheEntryPaths(cacheDir, key);
  if (!existsSync(paths.info) || !existsSync(paths.mrc)) return undefined;
  try {
    const parsed = JSON.parse(await readFile(paths.info, 'utf8')) as { format?: string; info?: PreprocessedInfo };
    return parsed.format === CACHE_FORMAT && parsed.info !== undefined ? parsed.info : undefined;
  } catch {
    return undefined; // an unreadable description is a miss; the entry is rewritten
  }
}

/** Records the description of an entry whose MRC has already been written. */
export async function writeCacheInfo(cacheDir: string, key: string, info: PreprocessedInfo): Promise<void> {
  const paths = cacheEntryPaths(cacheDir, key);
  await writeFileAtomic(paths.info, `${JSON.stringify({ format: CACHE_FORMAT, info }, null, 1)}\n`, { overwrite: true });
}
