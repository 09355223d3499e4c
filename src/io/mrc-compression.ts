// Whole-file decompression for .mrc.gz (node:zlib) and .mrc.bz2 (the compressjs package's
// Bzip2); compressed files cannot be read section by section, so they are inflated in memory.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { FormatError } from '../errors.js';

export type Compression = 'gzip' | 'bzip2' | 'none';

const gunzipAsync = promisify(gunzip);

/** The compression implied by a file name (.gz / .bz2, any case). */
export function compressionOf(path: string): Compression {
  const p = path.toLowerCase();
  if (p.endsWith('.gz')) return 'gzip';
  if (p.endsWith('.bz2')) return 'bzip2';
  return 'none';
}

/** The file name without a trailing .gz/.bz2, for extension checks. */
export function stripCompression(path: string): string {
  return path.replace(/\.(gz|bz2)$/i, '');
}

interface Bzip2Module {
  readonly Bzip2: { decompressFile(input: Uint8Array): Uint8Array | number[] };
}

function loadBzip2(path: string): Bzip2Module['Bzip2'] {
  try {
    // compressjs is CommonJS without type declarations; load it through require.
    const mod = createRequire(import.meta.url)('compressjs') as Bzip2Module;
    return mod.Bzip2;
  } catch {
    throw new FormatError({ path }, 'reading .bz2 needs the `compressjs` package, which is not installed; run `npm install compressjs` or decompress the file with `bunzip2` first');
  }
}

/** Decompresses `bytes` read from `path`; corrupt input gives a FormatError naming the fix. */
export async function decompress(bytes: Uint8Array, compression: Compression, path: string): Promise<Uint8Array> {
  if (compression === 'none') return bytes;
  if (compression === 'gzip') {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      throw new FormatError({ path, byteOffset: 0 }, 'expected gzip magic bytes 1f 8b, found something else; is the file really gzip-compressed?');
    }
    try {
      return await gunzipAsync(bytes);
    } catch (err) {
      throw new FormatError({ path }, `gzip data is corrupt or truncated (${(err as Error).message}); try \`gzip -t\` on it`);
    }
  }
  if (bytes[0] !== 0x42 || bytes[1] !== 0x5a || bytes[2] !== 0x68) {
    throw new FormatError({ path, byteOffset: 0 }, "expected bzip2 magic 'BZh', found something else; is the file really bzip2-compressed?");
  }
  const bzip2 = loadBzip2(path);
  try {
    const out = bzip2.decompressFile(bytes);
    return out instanceof Uint8Array ? out : Uint8Array.from(out);
  } catch (err) {
    throw new FormatError({ path }, `bzip2 data could not be decompressed (${String(err)}); decompress it with \`bunzip2\` and read the .mrc instead`);
  }
}
