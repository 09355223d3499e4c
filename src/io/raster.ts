// 8-bit renderings: PNG (pngjs) and JPEG (jpeg-js) read as grayscale Image2D (RGB → luma), and
// a PNG encoder/writer for 8-bit grayscale, RGB or RGBA previews made by other modules.
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { Image2D } from '../image/image.js';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { WriteOptions } from './atomic-write.js';

/** Rec. 601 luma weights, the usual RGB → gray conversion. */
const LUMA = [0.299, 0.587, 0.114] as const;

/** Converts interleaved RGBA samples to one float per pixel (gray if R = G = B, luma otherwise). */
function rgbaToGray(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    const r = rgba[j] ?? 0;
    const g = rgba[j + 1] ?? 0;
    const b = rgba[j + 2] ?? 0;
    out[i] = r === g && g === b ? r : LUMA[0] * r + LUMA[1] * g + LUMA[2] * b;
  }
  return out;
}

/** Decodes PNG bytes; 16-bit PNGs keep their 0..65535 values. */
export function decodePng(bytes: Uint8Array, path = '<buffer>'): Image2D {
  if (bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x50 || bytes[2] !== 0x4e || bytes[3] !== 0x47) {
    throw new FormatError({ path, byteOffset: 0 }, 'expected the PNG signature 89 50 4E 47, found something else');
  }
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), { skipRescale: true });
    return { width: png.width, height: png.height, data: rgbaToGray(png.data as ArrayLike<number>, png.width, png.height) };
  } catch (err) {
    throw new FormatError({ path }, `PNG could not be decoded: ${(err as Error).message}`);
  }
}

/** Decodes baseline/progressive JPEG bytes. */
export function decodeJpeg(bytes: Uint8Array, path = '<buffer>'): Image2D {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new FormatError({ path, byteOffset: 0 }, 'expected the JPEG marker FF D8, found something else');
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048 });
    return { width: img.width, height: img.height, data: rgbaToGray(img.data, img.width, img.height) };
  } catch (err) {
    throw new FormatError({ path }, `JPEG could not be decoded: ${(err as Error).message}`);
  }
}

/** Reads a PNG or JPEG (chosen by content) as a grayscale Image2D with values 0..255. */
export async function readRaster(path: string): Promise<Image2D> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FormatError({ path }, 'file not found');
    throw err;
  }
  if (bytes.length === 0) throw new FormatError({ path, byteOffset: 0 }, 'file is empty, expected a PNG or JPEG image');
  return bytes[0] === 0xff ? decodeJpeg(bytes, path) : decodePng(bytes, path);
}

/**
 * Encodes 8-bit pixels as PNG. `pixels` is row-major, row 0 at the top, `channels` samples
 * per pixel: 1 gray, 3 RGB, 4 RGBA.
 */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: 1 | 3 | 4, options: { readonly fast?: boolean } = {}): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`PNG size must be positive integers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height * channels) {
    throw new RangeError(`PNG pixels: expected ${width}x${height}x${channels} = ${width * height * channels} bytes, got ${pixels.length}`);
  }
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8 });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length);
  // fast: one row filter ("sub") and light deflate, ~3× quicker; noisy micrographs barely compress anyway
  const speed = options.fast === true ? { deflateLevel: 1, filterType: 1 } : {};
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8, ...speed });
}

/** Encodes and writes a PNG atomically (refuses to overwrite unless `overwrite`). */
export async function writePng(path: string, width: number, height: number, pixels: Uint8Array, channels: 1 | 3 | 4, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodePng(width, height, pixels, channels), options);
}

/** Encodes 8-bit grey pixels (row 0 at the top) as a baseline JPEG of the given quality (1–100). */
export function encodeJpegGrey(width: number, height: number, grey: Uint8Array, quality = 80): Buffer {
  if (grey.length !== width * height) throw new RangeError(`JPEG pixels: expected ${width}x${height} = ${width * height} bytes, got ${grey.length}`);
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < grey.length; i++, j += 4) {
    const g = grey[i] as number;
    rgba[j] = g;
    rgba[j + 1] = g;
    rgba[j + 2] = g;
    rgba[j + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width, height }, quality).data;
}
