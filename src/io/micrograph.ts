// readMicrograph: one entry point for every micrograph format, chosen by file extension
// (MRC family incl. .gz/.bz2, TIFF, PNG, JPEG). Multi-frame files are summed unless a section is named.
import { extname } from 'node:path';
import type { Image2D } from '../image/image.js';
import { FormatError } from '../errors.js';
import type { Problem } from '../errors.js';
import { stripCompression } from './mrc-compression.js';
import { readMrc, openMrc, readFileSections, checkFinite } from './mrc-reader.js';
import { isStandardAxes, voxelSizeA } from './mrc-layout.js';
import { readMrcSection } from './mrc-section.js';

export interface MicrographReadOptions {
  /** MRC only: recoverable header problems become warnings (see `onWarning`). */
  readonly permissive?: boolean;
  /** For stacks and movies: the 0-based section/frame to return. Default: the sum of all frames. */
  readonly section?: number;
  /** Receives warnings found in permissive mode. */
  readonly onWarning?: (problem: Problem) => void;
}

export const MRC_EXTENSIONS = ['.mrc', '.mrcs', '.map', '.st', '.ali', '.rec'] as const;
export const TIFF_EXTENSIONS = ['.tif', '.tiff'] as const;
export const RASTER_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
export type MicrographKind = 'mrc' | 'tiff' | 'raster';

/** The reader family for a path, or undefined for an unknown extension. */
export function micrographKind(path: string): MicrographKind | undefined {
  const plain = stripCompression(path);
  const ext = extname(plain).toLowerCase();
  if ((MRC_EXTENSIONS as readonly string[]).includes(ext)) return 'mrc';
  if (plain !== path) return undefined; // only MRC files may be compressed
  if ((TIFF_EXTENSIONS as readonly string[]).includes(ext)) return 'tiff';
  if ((RASTER_EXTENSIONS as readonly string[]).includes(ext)) return 'raster';
  return undefined;
}

function sumFrames(frames: readonly Image2D[]): Image2D {
  const first = frames[0];
  if (first === undefined) throw new RangeError('no frames to sum');
  if (frames.length === 1) return first;
  const data = new Float32Array(first.data.length);
  for (const f of frames) for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) + (f.data[i] ?? 0);
  return first.pixelSizeA === undefined ? { width: first.width, height: first.height, data } : { width: first.width, height: first.height, data, pixelSizeA: first.pixelSizeA };
}

/** Sums the sections of an MRC file one at a time, so a movie never sits in memory whole. */
async function sumMrcSections(path: string, permissive: boolean, onWarning?: (p: Problem) => void): Promise<Image2D> {
  const opened = await openMrc(path, { permissive });
  try {
    const { layout } = opened;
    if (!isStandardAxes(layout)) {
      const m = await readMrc(path, { permissive });
      m.warnings.forEach((w) => onWarning?.(w));
      return sumFrames(m.images);
    }
    let data: Float32Array = new Float32Array(0);
    for (let z = 0; z < layout.completeSections; z++) {
      const section = await readFileSections(opened, z, 1);
      checkFinite(section, opened, z, permissive);
      // a single micrograph is its own sum: no second 4096² buffer and no copy
      if (z === 0) data = section;
      else for (let i = 0; i < data.length; i++) data[i] = data[i]! + section[i]!;
    }
    if (layout.completeSections === 0) data = new Float32Array(layout.sectionSamples);
    opened.warnings.forEach((w) => onWarning?.(w));
    const pixel = voxelSizeA(layout.header).x;
    return pixel === undefined ? { width: layout.width, height: layout.height, data } : { width: layout.width, height: layout.height, data, pixelSizeA: pixel };
  } finally {
    await opened.source.close();
  }
}

function pickFrame(frames: readonly Image2D[], section: number, path: string): Image2D {
  const f = frames[section];
  if (f === undefined || !Number.isInteger(section)) throw new FormatError({ path }, `frame ${section} requested, file has ${frames.length} frame(s)`);
  return f;
}

/**
 * Reads a micrograph as one float32 image (row 0 first as stored; PNG/JPEG values 0..255).
 * MRC stacks and multi-page TIFFs are movie frames: their sum is returned, or frame
 * `options.section` alone (for MRC read without loading the other sections).
 * @throws FormatError for unknown extensions and for any reader's bad input.
 */
export async function readMicrograph(path: string, options: MicrographReadOptions = {}): Promise<Image2D> {
  const kind = micrographKind(path);
  const { section } = options;
  switch (kind) {
    case 'mrc': {
      const readOpts = { permissive: options.permissive ?? false };
      if (section !== undefined) {
        const s = await readMrcSection(path, section, readOpts);
        s.warnings.forEach((w) => options.onWarning?.(w));
        return s.image;
      }
      return sumMrcSections(path, readOpts.permissive, options.onWarning);
    }
    case 'tiff': {
      const { readTiff } = await import('./tiff.js'); // the TIFF decoder loads only for TIFF files
      const t = await readTiff(path);
      return section === undefined ? sumFrames(t.frames) : pickFrame(t.frames, section, path);
    }
    case 'raster': {
      const { readRaster } = await import('./raster.js'); // the PNG and JPEG decoders load only for such files
      const img = await readRaster(path);
      return section === undefined ? img : pickFrame([img], section, path);
    }
    case undefined:
      throw new FormatError({ path }, `unknown micrograph extension '${extname(path) || '(none)'}'; expected one of ${[...MRC_EXTENSIONS, ...TIFF_EXTENSIONS, ...RASTER_EXTENSIONS].join(' ')} (MRC also .gz/.bz2)`);
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * The micrograph reader of pick, train and preprocess: strict, or with `permissive` reading MRC files
 * that depart from the standard (recoverable header problems and NaN/±Inf pixels become warnings,
 * each naming the file; preprocessing then replaces such pixels by the mean of the others).
 */
export function micrographReader(permissive: boolean, warn: (message: string) => void): (path: string) => Promise<Image2D> {
  if (!permissive) return (path) => readMicrograph(path);
  return (path) => readMicrograph(path, { permissive: true, onWarning: (w) => warn(permissiveWarning(path, w)) });
}

/** A permissive-mode problem of the file at `path` as the one line the user sees. */
export function permissiveWarning(path: string, w: Problem): string {
  return `${path}${w.byteOffset === undefined ? '' : ` byte ${w.byteOffset}`}: ${w.message}${/non-finite/.test(w.message) ? '; replaced by the mean of the other pixels' : ''} (--permissive)`;
}
