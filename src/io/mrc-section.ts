// Reads one section of an MRC stack with positioned reads, so a 40-frame movie or a large
// particle stack is never loaded whole (compressed files are the exception: they are inflated first).
import { FormatError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { Image2D } from '../image/image.js';
import type { MrcHeader } from './mrc-header.js';
import { isStandardAxes, voxelSizeA } from './mrc-layout.js';
import { checkFinite, openMrc, readFileSections, reorderAxes } from './mrc-reader.js';
import type { MrcReadOptions } from './mrc-reader.js';

export interface MrcSection {
  readonly image: Image2D;
  /** The section's index and the number of sections (Z) in the file. */
  readonly index: number;
  readonly count: number;
  readonly header: MrcHeader;
  readonly nonFiniteCount: number;
  readonly warnings: readonly Problem[];
}

/**
 * Reads Z section `index` (0-based) of an MRC file. With the usual axis order (mapc/mapr/maps
 * 1,2,3) only that section's bytes are read; other orders read the whole file and slice it.
 * @throws FormatError as readMrc, and when `index` is outside 0..nz-1 or the section is missing.
 */
export async function readMrcSection(path: string, index: number, options: MrcReadOptions = {}): Promise<MrcSection> {
  const permissive = options.permissive ?? false;
  const opened = await openMrc(path, options);
  try {
    const { layout } = opened;
    if (!Number.isInteger(index) || index < 0 || index >= layout.depth) {
      throw new FormatError({ path }, `section ${index} requested, file has ${layout.depth} section(s) (0..${layout.depth - 1})`);
    }
    const n = layout.width * layout.height;
    let data: Float32Array;
    let nonFiniteCount: number;
    if (isStandardAxes(layout)) {
      if (index >= layout.completeSections) {
        throw new FormatError({ path, byteOffset: layout.fileSize }, `section ${index} is missing: the file is truncated after ${layout.completeSections} complete section(s)`);
      }
      data = await readFileSections(opened, index, 1);
      nonFiniteCount = checkFinite(data, opened, index, permissive);
    } else {
      if (layout.completeSections < layout.fileSections) {
        throw new FormatError({ path, byteOffset: layout.fileSize }, 'file is truncated and its axes are not 1,2,3, so no complete image can be rebuilt');
      }
      const all = await readFileSections(opened, 0, layout.fileSections);
      checkFinite(all, opened, 0, permissive);
      data = reorderAxes(all, layout).slice(index * n, (index + 1) * n);
      nonFiniteCount = 0;
      for (let i = 0; i < data.length; i++) if ((data[i] ?? 0) - (data[i] ?? 0) !== 0) nonFiniteCount++;
    }
    const pixel = voxelSizeA(layout.header).x;
    const image: Image2D = pixel === undefined ? { width: layout.width, height: layout.height, data } : { width: layout.width, height: layout.height, data, pixelSizeA: pixel };
    return { image, index, count: layout.depth, header: layout.header, nonFiniteCount, warnings: opened.warnings };
  } finally {
    await opened.source.close();
  }
}
