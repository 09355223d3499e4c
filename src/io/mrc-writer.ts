// Writes images as an MRC2014 file: a correct header ('MAP ', machine stamp, nversion 20140,
// statistics of the stored values, cell from the pixel size), atomically, never overwriting unless asked.
import { gzipSync } from 'node:zlib';
import type { Image2D } from '../image/image.js';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { formatMrcHeader, IMOD_STAMP } from './mrc-header.js';
import { decodeSamples, encodeSamples, MRC_MODES } from './mrc-modes.js';
import type { MrcMode } from './mrc-modes.js';
import { compressionOf } from './mrc-compression.js';

export interface MrcWriteOptions {
  /** Storage mode; default 2 (float32). Integer modes round and reject values out of range. */
  readonly mode?: MrcMode;
  /** Å per pixel, stored as cell = pixel size × dimensions; default the first image's, else 0 (unknown). */
  readonly pixelSizeA?: number;
  /** Replace an existing file. Default false. */
  readonly overwrite?: boolean;
  /** Byte order; default little-endian (what nearly all software writes). */
  readonly littleEndian?: boolean;
  /** Mode 0 only: store 0..255 unsigned bytes (IMOD stamp, signed flag clear). Default signed. */
  readonly int8Unsigned?: boolean;
  /** Several sections form a volume (ispg 1, mz = nz) rather than an image stack (ispg 0, mz = 1). */
  readonly volume?: boolean;
  /** Up to 10 text labels of 80 ASCII characters. Default one naming cryopick. */
  readonly labels?: readonly string[];
}

interface Stats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly rms: number;
}

/** Min, max, mean and standard deviation (the MRC "rms") with float64 accumulation. */
export function computeStats(data: Float32Array): Stats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / data.length;
  let ss = 0;
  for (let i = 0; i < data.length; i++) {
    const d = (data[i] ?? 0) - mean;
    ss += d * d;
  }
  return { min, max, mean, rms: Math.sqrt(ss / data.length) };
}

function checkImages(images: readonly Image2D[]): { width: number; height: number } {
  const first = images[0];
  if (first === undefined) throw new RangeError('writeMrc needs at least one image');
  images.forEach((im, i) => {
    if (im.width !== first.width || im.height !== first.height) {
      throw new RangeError(`image ${i} is ${im.width}x${im.height}, expected ${first.width}x${first.height} like image 0`);
    }
    if (im.data.length !== im.width * im.height) throw new RangeError(`image ${i} has ${im.data.length} values, expected ${im.width * im.height}`);
    for (let j = 0; j < im.data.length; j++) {
      const v = im.data[j] ?? 0;
      if (v - v !== 0) throw new RangeError(`image ${i} pixel ${j} is ${v}; MRC output must be finite`);
    }
  });
  return { width: first.width, height: first.height };
}

/** Encodes images (all the same size) as the bytes of an MRC file. */
export function encodeMrc(images: Image2D | readonly Image2D[], options: MrcWriteOptions = {}): Uint8Array {
  const list: readonly Image2D[] = Array.isArray(images) ? images : [images as Image2D];
  const { width, height } = checkImages(list);
  const mode = options.mode ?? 2;
  if (!(mode in MRC_MODES)) throw new RangeError(`MRC mode ${String(mode)} cannot be written (use 0, 1, 2, 6 or 12)`);
  const le = options.littleEndian ?? true;
  const unsigned = mode === 0 && (options.int8Unsigned ?? false);
  const n = width * height;
  const all = new Float32Array(n * list.length);
  list.forEach((im, i) => all.set(im.data, i * n));
  const body = encodeSamples(all, mode, le, unsigned);
  // Statistics describe the values as stored (rounded for integer modes, half precision for mode 12).
  let stored = all;
  if (mode !== 2) {
    stored = new Float32Array(all.length);
    decodeSamples(body, mode, le, stored, unsigned);
  }
  const stats = computeStats(stored);
  const nz = list.length;
  const mz = options.volume ? nz : 1;
  const pixel = options.pixelSizeA ?? list[0]?.pixelSizeA ?? 0;
  if (!(pixel >= 0) || !Number.isFinite(pixel)) throw new RangeError(`pixelSizeA must be a finite number >= 0, got ${pixel}`);
  const header = formatMrcHeader({
    nx: width, ny: height, nz, mode, mx: width, my: height, mz,
    cellaX: pixel * width, cellaY: pixel * height, cellaZ: pixel * mz,
    dmin: stats.min, dmax: stats.max, dmean: stats.mean, rms: stats.rms,
    ispg: options.volume ? 1 : 0,
    imodStamp: mode === 0 ? IMOD_STAMP : 0, imodFlags: mode === 0 && !unsigned ? 1 : 0,
    littleEndian: le,
    labels: options.labels ?? ['cryopick'],
  });
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/**
 * Writes one image or a stack to `path` (.mrc, .mrcs, or .mrc.gz for gzip), atomically.
 * @throws FileExistsError when `path` exists and `overwrite` is not set.
 * @throws RangeError for images of different sizes, non-finite pixels, or values out of the mode's range.
 */
export async function writeMrc(path: string, images: Image2D | readonly Image2D[], options: MrcWriteOptions = {}): Promise<void> {
  const compression = compressionOf(path);
  if (compression === 'bzip2') throw new FormatError({ path }, 'writing .bz2 is not supported; write .mrc, or .mrc.gz for compression');
  const bytes = encodeMrc(images, options);
  await writeFileAtomic(path, compression === 'gzip' ? gzipSync(bytes) : bytes, { overwrite: options.overwrite ?? false });
}
