// TIFF micrographs and movies via geotiff: uint8, uint16, int16, float32 (and other integer/float
// sample types geotiff decodes); each page is one frame, RGB pages become luma.
import { readFile } from 'node:fs/promises';
import { fromArrayBuffer } from 'geotiff';
import type { Image2D } from '../image/image.js';
import { FormatError } from '../errors.js';

export interface TiffContents {
  readonly path: string;
  /** One image per page (movie frame), all the same size. */
  readonly frames: readonly Image2D[];
  /** Sample type of the first page, e.g. 'uint16' or 'float32'. */
  readonly sampleType: string;
}

const LUMA = [0.299, 0.587, 0.114] as const;

function sampleTypeName(format: number, bits: number): string {
  const kind = format === 3 ? 'float' : format === 2 ? 'int' : 'uint';
  return `${kind}${bits}`;
}

type Bands = ArrayLike<number>[];

function toGray(bands: Bands, n: number): Float32Array {
  const out = new Float32Array(n);
  const first = bands[0];
  if (first === undefined) return out;
  if (bands.length < 3) {
    for (let i = 0; i < n; i++) out[i] = first[i] ?? 0;
    return out;
  }
  const [r, g, b] = bands as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  for (let i = 0; i < n; i++) out[i] = LUMA[0] * (r[i] ?? 0) + LUMA[1] * (g[i] ?? 0) + LUMA[2] * (b[i] ?? 0);
  return out;
}

/**
 * Reads every page of a TIFF as a frame.
 * @throws FormatError when the file is not a TIFF, a page cannot be decoded, or pages differ in size.
 */
export async function readTiff(path: string): Promise<TiffContents> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FormatError({ path }, 'file not found');
    throw err;
  }
  const magic = bytes.subarray(0, 4).toString('latin1');
  if (magic !== 'II*\0' && magic !== 'MM\0*' && magic !== 'II+\0' && magic !== 'MM\0+') {
    throw new FormatError({ path, byteOffset: 0 }, `expected a TIFF signature (II*\\0 or MM\\0*), found ${JSON.stringify(magic)}`);
  }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  const frames: Image2D[] = [];
  let sampleType = '';
  try {
    const tiff = await fromArrayBuffer(ab);
    const count = await tiff.getImageCount();
    for (let i = 0; i < count; i++) {
      const page = await tiff.getImage(i);
      const width = page.getWidth();
      const height = page.getHeight();
      if (i === 0) sampleType = sampleTypeName(page.getSampleFormat(0), page.getBitsPerSample(0));
      const first = frames[0];
      if (first !== undefined && (first.width !== width || first.height !== height)) {
        throw new FormatError({ path }, `page ${i} is ${width}x${height}, expected ${first.width}x${first.height} like page 0`);
      }
      const rasters = (await page.readRasters({ interleave: false })) as unknown as Bands;
      frames.push({ width, height, data: toGray(rasters, width * height) });
    }
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError({ path }, `TIFF could not be decoded: ${(err as Error).message}`);
  }
  if (frames.length === 0) throw new FormatError({ path }, 'TIFF has no pages');
  return { path, frames, sampleType };
}
