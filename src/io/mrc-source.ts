// Random-access byte sources for the MRC readers: an open file (positioned reads, so one
// section of a large stack is read without loading the rest) or an in-memory buffer.
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { compressionOf, decompress } from './mrc-compression.js';
import { FormatError } from '../errors.js';

export interface ByteSource {
  readonly path: string;
  readonly size: number;
  /** Reads `target.length` bytes at `offset` into `target`; returns how many were available. */
  readInto(offset: number, target: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

class FileSource implements ByteSource {
  constructor(readonly path: string, readonly size: number, private readonly handle: FileHandle) {}

  async readInto(offset: number, target: Uint8Array): Promise<number> {
    let done = 0;
    // fs reads are capped near 2 GiB per call; loop until the range is filled or the file ends.
    while (done < target.length) {
      const chunk = Math.min(target.length - done, 1 << 30);
      const { bytesRead } = await this.handle.read(target, done, chunk, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

class BufferSource implements ByteSource {
  constructor(readonly path: string, private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  readInto(offset: number, target: Uint8Array): Promise<number> {
    const available = Math.max(0, Math.min(target.length, this.bytes.length - offset));
    target.set(this.bytes.subarray(offset, offset + available));
    return Promise.resolve(available);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function describeOpenError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new FormatError({ path }, 'file not found');
  if (code === 'EISDIR') return new FormatError({ path }, 'is a directory, expected a file');
  if (code === 'EACCES') return new FormatError({ path }, 'permission denied');
  return err as Error;
}

/** Opens `path` for random access; .gz and .bz2 files are decompressed into memory first. */
export async function openSource(path: string): Promise<ByteSource> {
  const compression = compressionOf(path);
  try {
    if (compression !== 'none') {
      const raw = await readFile(path);
      return new BufferSource(path, await decompress(raw, compression, path));
    }
    const handle = await open(path, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new FormatError({ path }, stats.isDirectory() ? 'is a directory, expected a file' : 'is not a regular file');
    }
    return new FileSource(path, stats.size, handle);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw describeOpenError(path, err);
  }
}

/** A source over bytes already in memory (tests, decompressed data). */
export function bufferSource(path: string, bytes: Uint8Array): ByteSource {
  return new BufferSource(path, bytes);
}
