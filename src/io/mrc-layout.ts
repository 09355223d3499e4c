// Interprets a raw MRC header: settles the byte order (machine stamp, with the other-order
// retry), the mode, the data offset and sizes, and lists every problem a reader must know about.
import type { Problem } from '../errors.js';
import {
  parseMrcHeader, byteOrderFromStamp, formatStamp, IMOD_STAMP, MAP_OFFSET, MACHST_OFFSET, MRC_HEADER_BYTES,
} from './mrc-header.js';
import type { MrcHeader } from './mrc-header.js';
import { isMrcMode, MRC_MODES } from './mrc-modes.js';
import type { MrcMode } from './mrc-modes.js';

/** A problem found while interpreting a header; `fatal` ones make the data unreadable. */
export interface HeaderProblem extends Problem {
  readonly byteOffset: number;
  readonly fatal: boolean;
}

/** Where the data lies and how to turn it into x-fastest images. */
export interface MrcLayout {
  readonly header: MrcHeader;
  readonly mode: MrcMode;
  /** Mode-0 bytes are unsigned (IMOD stamp present, signed flag clear). */
  readonly int8Unsigned: boolean;
  readonly dataOffset: number;
  readonly sampleBytes: number;
  /** Samples per file section (nx * ny). */
  readonly sectionSamples: number;
  readonly fileSections: number;
  readonly expectedSize: number;
  readonly fileSize: number;
  /** Sections fully present in the file (less than nz when truncated). */
  readonly completeSections: number;
  /** Axis (1 = X, 2 = Y, 3 = Z) along file columns, rows and sections. */
  readonly axes: readonly [number, number, number];
  /** Output shape after reordering to X fastest, then Y, then Z. */
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

export interface Interpretation {
  readonly header: MrcHeader;
  readonly layout?: MrcLayout;
  readonly problems: readonly HeaderProblem[];
}

function ascii(bytes: Uint8Array, start: number, n: number): string {
  return Array.from(bytes.subarray(start, start + n), (c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
}

/** Decides the byte order; `permissive` allows the retry with the other order when the mode is invalid. */
function chooseByteOrder(bytes: Uint8Array, problems: HeaderProblem[], permissive: boolean): boolean {
  const stamp = Array.from(bytes.subarray(MACHST_OFFSET, MACHST_OFFSET + 4));
  const declared = byteOrderFromStamp(stamp);
  const view = new DataView(bytes.buffer, bytes.byteOffset, MRC_HEADER_BYTES);
  const modeValid = (le: boolean): boolean => isMrcMode(view.getInt32(12, le));
  if (declared === undefined) {
    // No usable stamp: guess the order in which the mode makes sense (little-endian first).
    const le = modeValid(true) || !modeValid(false);
    problems.push({ byteOffset: MACHST_OFFSET, fatal: false, message: `machine stamp ${formatStamp(stamp)} is not valid (expected 0x44 0x44 0x00 0x00, 0x44 0x41 0x00 0x00 or 0x11 0x11 0x00 0x00); assuming ${le ? 'little' : 'big'}-endian` });
    return le;
  }
  const le = declared === 'little';
  if (!modeValid(le) && modeValid(!le)) {
    const other = view.getInt32(12, !le);
    problems.push({
      byteOffset: MACHST_OFFSET,
      fatal: false,
      message: permissive
        ? `machine stamp ${formatStamp(stamp)} says ${declared}-endian but the header only makes sense ${le ? 'big' : 'little'}-endian (mode ${other}); read with the other byte order`
        : `machine stamp ${formatStamp(stamp)} says ${declared}-endian but the header only makes sense ${le ? 'big' : 'little'}-endian (mode ${other}); read it with permissive to use the other byte order`,
    });
    if (permissive) return !le;
  }
  return le;
}

function axesProblem(h: MrcHeader): string | undefined {
  const a = [h.mapc, h.mapr, h.maps];
  const ok = a.includes(1) && a.includes(2) && a.includes(3);
  return ok ? undefined : `mapc/mapr/maps are ${a.join(',')}, expected a permutation of 1,2,3; assuming 1,2,3`;
}

/** Interprets a header read from a file of `fileSize` bytes. Never throws for bad content. */
export function interpretHeader(bytes: Uint8Array, fileSize: number, path: string, permissive: boolean): Interpretation {
  const problems: HeaderProblem[] = [];
  if (ascii(bytes, MAP_OFFSET, 3) !== 'MAP') {
    problems.push({ byteOffset: MAP_OFFSET, fatal: false, message: `expected map ID 'MAP ' at byte ${MAP_OFFSET}, found '${ascii(bytes, MAP_OFFSET, 4)}' (not an MRC file, or corrupt)` });
  }
  const le = chooseByteOrder(bytes, problems, permissive);
  const header = parseMrcHeader(bytes, le, path);
  const fatal = (byteOffset: number, message: string): void => void problems.push({ byteOffset, fatal: true, message });
  if (!isMrcMode(header.mode)) fatal(12, `MRC mode ${header.mode} is not supported (expected 0, 1, 2, 6 or 12)`);
  (['nx', 'ny', 'nz'] as const).forEach((k, i) => {
    if (!(header[k] > 0)) fatal(4 * i, `${k} is ${header[k]}, expected a positive number of ${['columns', 'rows', 'sections'][i]}`);
  });
  if (header.nsymbt < 0) fatal(92, `nsymbt (extended header size) is ${header.nsymbt}, expected >= 0`);
  const axisMsg = axesProblem(header);
  if (axisMsg !== undefined) problems.push({ byteOffset: 64, fatal: false, message: axisMsg });
  if (problems.some((p) => p.fatal) || !isMrcMode(header.mode)) return { header, problems };

  const mode = header.mode;
  const sampleBytes = MRC_MODES[mode].bytes;
  const dataOffset = MRC_HEADER_BYTES + header.nsymbt;
  const sectionSamples = header.nx * header.ny;
  const sectionBytes = sectionSamples * sampleBytes;
  const expectedSize = dataOffset + sectionBytes * header.nz;
  const completeSections = Math.max(0, Math.min(header.nz, Math.floor((fileSize - dataOffset) / sectionBytes)));
  if (fileSize < dataOffset) {
    fatal(fileSize, `extended header of ${header.nsymbt} bytes (nsymbt) does not fit: file has ${fileSize} bytes, header + extended header need ${dataOffset}`);
  } else if (fileSize < expectedSize) {
    problems.push({
      byteOffset: fileSize, fatal: completeSections === 0,
      message: `file is truncated: header says ${header.nx}x${header.ny}x${header.nz} mode ${mode} (${expectedSize} bytes with headers), file has ${fileSize} bytes; ${completeSections} of ${header.nz} sections complete`,
    });
  } else if (fileSize > expectedSize) {
    problems.push({ byteOffset: expectedSize, fatal: false, message: `file has ${fileSize - expectedSize} bytes after the data: header says ${header.nx}x${header.ny}x${header.nz} mode ${mode} (${expectedSize} bytes with headers), file has ${fileSize}` });
  }
  const axes: [number, number, number] = axisMsg === undefined ? [header.mapc, header.mapr, header.maps] : [1, 2, 3];
  const fileDims = [header.nx, header.ny, header.nz];
  const dimOfAxis = (axis: number): number => fileDims[axes.indexOf(axis)] ?? 0;
  const layout: MrcLayout = {
    header, mode, int8Unsigned: mode === 0 && header.imodStamp === IMOD_STAMP && (header.imodFlags & 1) === 0,
    dataOffset, sampleBytes, sectionSamples, fileSections: header.nz, expectedSize, fileSize, completeSections, axes,
    width: dimOfAxis(1), height: dimOfAxis(2), depth: dimOfAxis(3),
  };
  return { header, layout, problems };
}

/** True when the file's columns, rows and sections are X, Y, Z (no reordering needed). */
export function isStandardAxes(layout: MrcLayout): boolean {
  return layout.axes[0] === 1 && layout.axes[1] === 2 && layout.axes[2] === 3;
}

/** Pixel size in Å along X, Y, Z from cella / m; undefined where the cell or sampling is not positive. */
export function voxelSizeA(h: MrcHeader): { readonly x?: number; readonly y?: number; readonly z?: number } {
  const one = (cell: number, m: number): number | undefined => (cell > 0 && m > 0 && Number.isFinite(cell) ? cell / m : undefined);
  const x = one(h.cellaX, h.mx);
  const y = one(h.cellaY, h.my);
  const z = one(h.cellaZ, h.mz);
  return { ...(x !== undefined ? { x } : {}), ...(y !== undefined ? { y } : {}), ...(z !== undefined ? { z } : {}) };
}
