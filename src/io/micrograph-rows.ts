// Reads a micrograph a band of rows at a time and hands each band to a consumer, so a large MRC
// can be reduced (e.g. binned for display) in one pass without the whole image in memory. MRC files
// with the usual axis order are streamed (movie frames summed band by band); others are read whole.
import type { Image2D } from '../image/image.js';
import { isStandardAxes, voxelSizeA } from './mrc-layout.js';
import { decodeSamples, HOST_LITTLE } from './mrc-modes.js';
import { openMrc, type OpenedMrc } from './mrc-reader.js';
import { micrographKind, readMicrograph, type MicrographReadOptions } from './micrograph.js';

export interface MicrographShape {
  readonly width: number;
  readonly height: number;
  readonly pixelSizeA?: number;
}

/** Receives `rowCount` rows (row-major, `width` samples each) from the start of `rows`, in order. */
export type RowSink = (rows: Float32Array, rowCount: number) => void;

/** Rows per band: about 1 MiB of float32 for a 4096-pixel-wide micrograph. */
const BAND_ROWS = 64;

/** Reads rows [first, first + count) of section z into `out` (decoded to float32). */
async function readBand(opened: OpenedMrc, z: number, first: number, count: number, out: Float32Array, scratch: Uint8Array): Promise<void> {
  const { layout, source } = opened;
  const samples = count * layout.width;
  const offset = layout.dataOffset + (z * layout.sectionSamples + first * layout.width) * layout.sampleBytes;
  if (layout.mode === 2 && layout.header.littleEndian === HOST_LITTLE) {
    await source.readInto(offset, new Uint8Array(out.buffer, out.byteOffset, samples * 4));
    return;
  }
  const bytes = scratch.subarray(0, samples * layout.sampleBytes);
  await source.readInto(offset, bytes);
  decodeSamples(bytes, layout.mode, layout.header.littleEndian, out.subarray(0, samples), layout.int8Unsigned);
}

/**
 * Streams the micrograph at `path` (every format `readMicrograph` reads, same orientation, multi-frame
 * files summed) to the sink that `begin` returns once the shape is known. Values are NOT checked for
 * NaN/±Inf here: a caller that needs the strict check runs it on what it computed (see display images).
 * `options` as readMicrograph's (`section` aside): permissive header problems go to `onWarning`.
 * @throws FormatError as readMicrograph for unreadable files.
 */
export async function streamMicrographRows(path: string, begin: (shape: MicrographShape) => RowSink, options: Omit<MicrographReadOptions, 'section'> = {}): Promise<MicrographShape> {
  if (micrographKind(path) === 'mrc') {
    const opened = await openMrc(path, { permissive: options.permissive ?? false });
    try {
      const { layout } = opened;
      if (isStandardAxes(layout) && layout.completeSections === layout.fileSections) {
        const pixel = voxelSizeA(layout.header).x;
        const shape: MicrographShape = pixel === undefined ? { width: layout.width, height: layout.height } : { width: layout.width, height: layout.height, pixelSizeA: pixel };
        const sink = begin(shape);
        const band = new Float32Array(BAND_ROWS * layout.width);
        const frame = layout.fileSections > 1 ? new Float32Array(band.length) : band;
        const scratch = new Uint8Array(layout.mode === 2 && layout.header.littleEndian === HOST_LITTLE ? 0 : band.length * layout.sampleBytes);
        for (let first = 0; first < layout.height; first += BAND_ROWS) {
          const count = Math.min(BAND_ROWS, layout.height - first);
          if (layout.fileSections > 1) band.fill(0);
          for (let z = 0; z < layout.fileSections; z++) {
            await readBand(opened, z, first, count, frame, scratch);
            if (frame !== band) for (let i = 0; i < count * layout.width; i++) band[i] = band[i]! + frame[i]!;
          }
          sink(band, count);
        }
        opened.warnings.forEach((w) => options.onWarning?.(w));
        return shape;
      }
    } finally {
      await opened.source.close();
    }
  }
  const image: Image2D = await readMicrograph(path, options);
  const shape: MicrographShape = image.pixelSizeA === undefined ? { width: image.width, height: image.height } : { width: image.width, height: image.height, pixelSizeA: image.pixelSizeA };
  begin(shape)(image.data, image.height);
  return shape;
}
