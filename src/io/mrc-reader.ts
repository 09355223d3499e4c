// Reads whole MRC/MRCS files (also .mrc.gz and .mrc.bz2) into float32 images, one per Z section,
// X fastest. Strict by default; `permissive` turns recoverable problems into returned warnings.
import { FormatError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { Image2D } from '../image/image.js';
import { MRC_HEADER_BYTES } from './mrc-header.js';
import type { MrcHeader } from './mrc-header.js';
import { interpretHeader, isStandardAxes, voxelSizeA } from './mrc-layout.js';
import type { MrcLayout } from './mrc-layout.js';
import { decodeSamples, isFloatMode, HOST_LITTLE } from './mrc-modes.js';
import type { MrcMode } from './mrc-modes.js';
import { openSource } from './mrc-source.js';
import type { ByteSource } from './mrc-source.js';

export interface MrcReadOptions {
  /** Return recoverable problems as `warnings` instead of throwing. Default false. */
  readonly permissive?: boolean;
}

/** Everything read from an MRC file. */
export interface MrcContents {
  readonly path: string;
  readonly header: MrcHeader;
  readonly mode: MrcMode;
  /** Shape after axis reordering: X (width) fastest, then Y (height), then Z (depth = sections). */
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  /** Å per pixel along X (cella.x / mx), undefined when the cell is 0 or negative. */
  readonly pixelSizeA?: number;
  readonly voxelSizeA: { readonly x?: number; readonly y?: number; readonly z?: number };
  /** Extended header: its declared type (exttyp, '' if none) and size; its bytes are skipped. */
  readonly extendedHeader: { readonly type: string; readonly bytes: number };
  /** One image per Z section (a particle stack's particles, a movie's frames, a volume's slices). */
  readonly images: readonly Image2D[];
  /** Number of NaN or ±Inf pixels (only possible in modes 2 and 12). */
  readonly nonFiniteCount: number;
  readonly warnings: readonly Problem[];
}

/** An open file with its settled layout; the caller closes `source`. */
export interface OpenedMrc {
  readonly source: ByteSource;
  readonly layout: MrcLayout;
  readonly warnings: Problem[];
}

/** Opens `path`, reads and interprets the header; throws on problems unless permissive. */
export async function openMrc(path: string, options: MrcReadOptions = {}): Promise<OpenedMrc> {
  const permissive = options.permissive ?? false;
  const source = await openSource(path);
  try {
    const headerBytes = new Uint8Array(MRC_HEADER_BYTES);
    const got = await source.readInto(0, headerBytes);
    if (got < MRC_HEADER_BYTES) {
      throw new FormatError({ path, byteOffset: got }, `expected a ${MRC_HEADER_BYTES}-byte MRC header, file has only ${got} bytes`);
    }
    const { layout, problems } = interpretHeader(headerBytes, source.size, path, permissive);
    const first = permissive ? problems.find((p) => p.fatal) : problems[0];
    if (first !== undefined || layout === undefined) {
      const p = first ?? problems[0];
      const more = problems.length > 1 ? ` (${problems.length - 1} more problem(s); \`cryopick mrc-info\` lists all)` : '';
      const readable = layout !== undefined && !problems.some((q) => q.fatal);
      const hint = readable ? '; the data can be read anyway: pass --permissive (pick, train, preprocess) to go on with a warning' : '';
      throw new FormatError({ path, byteOffset: p?.byteOffset ?? 0 }, `${p?.message ?? 'unreadable MRC header'}${more}${hint}`);
    }
    const warnings: Problem[] = problems.map((p) => ({ message: p.message, byteOffset: p.byteOffset }));
    return { source, layout, warnings };
  } catch (err) {
    await source.close();
    throw err;
  }
}

/** Reads `count` file sections from `first` and decodes them, in file order. */
export async function readFileSections(opened: OpenedMrc, first: number, count: number): Promise<Float32Array> {
  const { layout, source } = opened;
  const samples = layout.sectionSamples * count;
  const out = new Float32Array(samples);
  const offset = layout.dataOffset + first * layout.sectionSamples * layout.sampleBytes;
  if (layout.mode === 2 && layout.header.littleEndian === HOST_LITTLE) {
    // Fast path: float32 data in the host's byte order is read straight into the result.
    await source.readInto(offset, new Uint8Array(out.buffer));
    return out;
  }
  const bytes = new Uint8Array(samples * layout.sampleBytes);
  await source.readInto(offset, bytes);
  decodeSamples(bytes, layout.mode, layout.header.littleEndian, out, layout.int8Unsigned);
  return out;
}

/** Counts NaN/Inf pixels; in strict mode any is a FormatError at the first one's byte offset. */
export function checkFinite(data: Float32Array, opened: OpenedMrc, firstSection: number, permissive: boolean): number {
  const { layout } = opened;
  if (!isFloatMode(layout.mode)) return 0;
  let count = 0;
  let firstIndex = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (v - v !== 0) {
      if (count === 0) firstIndex = i;
      count++;
    }
  }
  if (count === 0) return 0;
  const byteOffset = layout.dataOffset + (firstSection * layout.sectionSamples + firstIndex) * layout.sampleBytes;
  const message = `${count} non-finite pixel value(s) (NaN or ±Inf), the first at byte ${byteOffset}`;
  if (!permissive) throw new FormatError({ path: opened.source.path, byteOffset }, `${message}; repair the file, leave this micrograph out, or pass --permissive (pick, train and preprocess then replace them by the mean of the other pixels; \`cryopick mrc-info\` lists every problem)`);
  opened.warnings.push({ message, byteOffset });
  return count;
}

/** Reorders file-order samples (columns, rows, sections along mapc, mapr, maps) to X-fastest. */
export function reorderAxes(data: Float32Array, layout: MrcLayout): Float32Array {
  if (isStandardAxes(layout)) return data;
  const { width, height } = layout;
  const stride = [0, 1, width, width * height]; // output stride of axis 1 (X), 2 (Y), 3 (Z)
  const [ac, ar, as] = layout.axes;
  const sc = stride[ac] ?? 0;
  const sr = stride[ar] ?? 0;
  const ss = stride[as] ?? 0;
  const { nx, ny } = layout.header;
  const sections = data.length / (nx * ny);
  const out = new Float32Array(data.length);
  let i = 0;
  for (let s = 0; s < sections; s++) {
    for (let r = 0; r < ny; r++) {
      const base = s * ss + r * sr;
      for (let c = 0; c < nx; c++) out[base + c * sc] = data[i++] ?? 0;
    }
  }
  return out;
}

/** Splits X-fastest data into one Image2D per Z section (views, no copies). */
export function toImages(data: Float32Array, width: number, height: number, pixelSizeA: number | undefined): Image2D[] {
  const n = width * height;
  const images: Image2D[] = [];
  for (let z = 0; z * n < data.length; z++) {
    const section = data.subarray(z * n, (z + 1) * n);
    images.push(pixelSizeA === undefined ? { width, height, data: section } : { width, height, data: section, pixelSizeA });
  }
  return images;
}

/**
 * Reads a whole MRC file. Sections are returned as Image2D (X fastest, row 0 first as stored).
 * @throws FormatError (path and byte offset, expected vs found) for bad magic, machine stamp,
 * mode, dimensions inconsistent with the file size, truncation or NaN/Inf pixels; in permissive
 * mode only for problems that make the data unreadable.
 */
export async function readMrc(path: string, options: MrcReadOptions = {}): Promise<MrcContents> {
  const permissive = options.permissive ?? false;
  const opened = await openMrc(path, options);
  try {
    const { layout } = opened;
    // A truncated file in permissive mode yields only its complete sections.
    const sections = layout.completeSections;
    const fileOrder = await readFileSections(opened, 0, sections);
    const nonFiniteCount = checkFinite(fileOrder, opened, 0, permissive);
    if (sections < layout.fileSections && !isStandardAxes(layout)) {
      throw new FormatError({ path, byteOffset: layout.fileSize }, `file is truncated and its axes (mapc/mapr/maps ${layout.axes.join(',')}) are not 1,2,3, so no complete image can be rebuilt`);
    }
    const data = reorderAxes(fileOrder, layout);
    const voxel = voxelSizeA(layout.header);
    const { width, height } = layout;
    const depth = data.length / (width * height);
    return {
      path, header: layout.header, mode: layout.mode, width, height, depth,
      ...(voxel.x !== undefined ? { pixelSizeA: voxel.x } : {}),
      voxelSizeA: voxel,
      extendedHeader: { type: layout.header.exttyp, bytes: layout.header.nsymbt },
      images: toImages(data, width, height, voxel.x),
      nonFiniteCount,
      warnings: opened.warnings,
    };
  } finally {
    await opened.source.close();
  }
}
