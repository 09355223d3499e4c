// Atomic, non-overwriting file output: data goes to a temp file beside the target, then a
// rename, so a crash or Ctrl+C never leaves a half-written file under the final name.
import { createWriteStream, existsSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { describeFsError } from './fs-errors.js';

function size(data: string | Uint8Array): string {
  const n = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  return n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export interface WriteOptions {
  /** Replace an existing file. Default false: an existing file is an error. */
  readonly overwrite?: boolean;
}

/** Thrown when a writer would replace an existing file without `overwrite`. */
export class FileExistsError extends UserError {
  constructor(path: string) {
    super('EEXIST', `${path} already exists; pass overwrite (--overwrite) to replace it`);
  }
}

function tempName(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

/** Writes `data` to `path` atomically (temp file + rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  if (!options.overwrite && existsSync(path)) throw new FileExistsError(path);
  const tmp = tempName(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw describeFsError(err, path, `cannot write ${size(data)} to`);
  }
}

/** Synchronous variant of {@link writeFileAtomic}, for exit handlers and small files. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  if (!options.overwrite && existsSync(path)) throw new FileExistsError(path);
  const tmp = tempName(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw describeFsError(err, path, `cannot write ${size(data)} to`);
  }
}

/**
 * Streams text to `path` atomically: `fill` writes chunks through `write` (which waits when the
 * stream is full), then the temp file is closed and renamed; on any error it is removed.
 */
export async function streamFileAtomic(path: string, fill: (write: (text: string) => Promise<void>) => Promise<void>, options: WriteOptions = {}): Promise<void> {
  if (!options.overwrite && existsSync(path)) throw new FileExistsError(path);
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw describeFsError(err, path, 'cannot write');
  }
  const tmp = tempName(path);
  const w = createWriteStream(tmp);
  const failed = once(w, 'error').then(([err]) => { throw err; });
  failed.catch(() => {});
  try {
    await Promise.race([fill(async (text) => { if (!w.write(text)) await Promise.race([once(w, 'drain'), failed]); }), failed]);
    w.end();
    await Promise.race([once(w, 'close'), failed]);
    await rename(tmp, path);
  } catch (err) {
    // the stream may still be opening the temp file: remove it only once the stream has closed
    const closed = w.closed ? Promise.resolve() : once(w, 'close').then(() => undefined, () => undefined);
    w.destroy();
    await closed;
    await rm(tmp, { force: true });
    throw describeFsError(err, path, 'cannot write');
  }
}
