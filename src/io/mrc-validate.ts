// MRC2014 validation: checks a file against the spec and returns EVERY problem found (map ID,
// machine stamp, mode, dimensions, axes, labels, version, extended header, statistics, size, NaN/Inf).
import type { Problem } from '../errors.js';
import { MRC_HEADER_BYTES, LABEL_COUNT } from './mrc-header.js';
import type { MrcHeader } from './mrc-header.js';
import { interpretHeader, voxelSizeA } from './mrc-layout.js';
import type { MrcLayout } from './mrc-layout.js';
import { readFileSections } from './mrc-reader.js';
import { openSource } from './mrc-source.js';
import type { ByteSource } from './mrc-source.js';
import { isFloatMode, MRC_MODES } from './mrc-modes.js';

/** Known extended-header types and, where fixed, the size of one record in bytes. */
export const EXTTYPES: Readonly<Record<string, number | undefined>> = {
  CCP4: undefined, MRCO: undefined, SERI: undefined, AGAR: undefined, FEI1: 768, FEI2: 888, HDF5: undefined,
};

/** Statistics computed from the data (float64 accumulation). */
export interface DataStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly rms: number;
}

/** What `cryopick mrc-info` shows for one file. */
export interface MrcReport {
  readonly path: string;
  readonly header?: MrcHeader;
  /** Present when the data could be located (mode and dimensions make sense). */
  readonly layout?: MrcLayout;
  readonly pixelSizeA?: number;
  readonly stats?: DataStats;
  readonly nonFiniteCount: number;
  /** False when the data cannot be read even permissively. */
  readonly readable: boolean;
  readonly problems: readonly Problem[];
}

function checkFields(h: MrcHeader, problems: Problem[]): void {
  const add = (byteOffset: number, message: string): void => void problems.push({ byteOffset, message });
  (['mx', 'my', 'mz'] as const).forEach((k, i) => {
    if (!(h[k] > 0)) add(28 + 4 * i, `${k} is ${h[k]}, expected a positive number of sampling intervals`);
  });
  (['cellaX', 'cellaY', 'cellaZ'] as const).forEach((k, i) => {
    if (h[k] < 0 || !Number.isFinite(h[k])) add(40 + 4 * i, `cell dimension ${k} is ${h[k]}, expected >= 0 (0 means unknown pixel size)`);
  });
  if (h.ispg < 0) add(88, `ispg (space group) is ${h.ispg}, expected >= 0`);
  if (h.ispg >= 401 && h.ispg <= 630 && h.mz > 0 && h.nz % h.mz !== 0) {
    add(36, `volume stack (ispg ${h.ispg}): nz ${h.nz} is not a multiple of mz ${h.mz}`);
  }
  if (h.nversion !== 20140 && h.nversion !== 20141) add(108, `nversion is ${h.nversion}, expected 20140 or 20141 (MRC2014)`);
  if (h.nlabl < 0 || h.nlabl > LABEL_COUNT) add(220, `nlabl is ${h.nlabl}, expected 0..${LABEL_COUNT}`);
  else {
    h.labels.forEach((label, i) => {
      const used = i < h.nlabl;
      if (used && label.trim() === '') add(224 + 80 * i, `label ${i} is empty but nlabl is ${h.nlabl}`);
      if (!used && label.trim() !== '') add(224 + 80 * i, `label ${i} is set but nlabl is ${h.nlabl} (labels in use must come first and be counted)`);
    });
  }
  if (h.nsymbt > 0) {
    if (!(h.exttyp in EXTTYPES)) {
      add(104, `extended header of ${h.nsymbt} bytes but exttyp is '${h.exttyp}', expected one of ${Object.keys(EXTTYPES).join(', ')}`);
    } else {
      const record = EXTTYPES[h.exttyp];
      if (record !== undefined && h.nsymbt % record !== 0) add(92, `exttyp ${h.exttyp} has ${record}-byte records but nsymbt ${h.nsymbt} is not a multiple`);
    }
  }
}

function close(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= 1e-5 * Math.max(scale, 1e-30) + 1e-6 * Math.abs(b);
}

function checkStats(h: MrcHeader, s: DataStats, problems: Problem[]): void {
  const range = Math.max(Math.abs(s.max), Math.abs(s.min), s.max - s.min);
  const rangeSet = h.dmax >= h.dmin;
  if (rangeSet && !close(h.dmin, s.min, range)) problems.push({ byteOffset: 76, message: `header dmin is ${h.dmin} but the data minimum is ${s.min}` });
  if (rangeSet && !close(h.dmax, s.max, range)) problems.push({ byteOffset: 80, message: `header dmax is ${h.dmax} but the data maximum is ${s.max}` });
  // A mean below both dmin and dmax, or rms < 0, is the spec's "not determined" marker.
  if (h.dmean >= Math.min(h.dmin, h.dmax) && !close(h.dmean, s.mean, range)) {
    problems.push({ byteOffset: 84, message: `header dmean is ${h.dmean} but the data mean is ${s.mean}` });
  }
  if (h.rms >= 0 && !close(h.rms, s.rms, Math.max(s.rms, range * 1e-3))) {
    problems.push({ byteOffset: 216, message: `header rms is ${h.rms} but the data standard deviation is ${s.rms}` });
  }
}

/** Streams the data section by section, computing statistics and counting NaN/Inf. */
async function scanData(source: ByteSource, layout: MrcLayout): Promise<{ stats: DataStats; nonFinite: number; firstBad: number }> {
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  let mean = 0;
  let m2 = 0; // sum of squared deviations, merged chunk by chunk (Chan et al.) to stay exact
  let nonFinite = 0;
  let firstBad = -1;
  const opened = { source, layout, warnings: [] };
  const perChunk = Math.max(1, Math.floor((16 << 20) / (layout.sectionSamples * 4)));
  for (let z = 0; z < layout.completeSections; z += perChunk) {
    const data = await readFileSections(opened, z, Math.min(perChunk, layout.completeSections - z));
    let n = 0;
    let sum = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] ?? 0;
      if (v - v !== 0) {
        if (nonFinite === 0) firstBad = z * layout.sectionSamples + i;
        nonFinite++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      n++;
    }
    if (n === 0) continue;
    const chunkMean = sum / n;
    let chunkM2 = 0;
    for (let i = 0; i < data.length; i++) {
      const d = (data[i] ?? 0) - chunkMean;
      if (d - d === 0) chunkM2 += d * d;
    }
    const total = count + n;
    const delta = chunkMean - mean;
    m2 += chunkM2 + (delta * delta * count * n) / total;
    mean += (delta * n) / total;
    count = total;
  }
  const rms = count > 0 ? Math.sqrt(m2 / count) : NaN;
  return { stats: { min, max, mean: count > 0 ? mean : NaN, rms }, nonFinite, firstBad };
}

/** Inspects an MRC file: header, layout, statistics and every problem. Throws only if it cannot be opened. */
export async function inspectMrc(path: string): Promise<MrcReport> {
  const source = await openSource(path);
  try {
    const headerBytes = new Uint8Array(MRC_HEADER_BYTES);
    const got = await source.readInto(0, headerBytes);
    if (got < MRC_HEADER_BYTES) {
      return { path, nonFiniteCount: 0, readable: false, problems: [{ byteOffset: got, message: `expected a ${MRC_HEADER_BYTES}-byte MRC header, file has only ${got} bytes` }] };
    }
    const { header, layout, problems: headerProblems } = interpretHeader(headerBytes, source.size, path, true);
    const problems: Problem[] = headerProblems.map((p) => ({ byteOffset: p.byteOffset, message: p.message }));
    checkFields(header, problems);
    const pixel = voxelSizeA(header).x;
    const base = { path, header, ...(pixel !== undefined ? { pixelSizeA: pixel } : {}) };
    if (layout === undefined || headerProblems.some((p) => p.fatal)) {
      return { ...base, nonFiniteCount: 0, readable: false, problems };
    }
    const { stats, nonFinite, firstBad } = await scanData(source, layout);
    if (nonFinite > 0 && isFloatMode(layout.mode)) {
      const byteOffset = layout.dataOffset + firstBad * MRC_MODES[layout.mode].bytes;
      problems.push({ byteOffset, message: `${nonFinite} non-finite pixel value(s) (NaN or ±Inf), the first at byte ${byteOffset}` });
    }
    // Statistics are only comparable over complete, finite data (NaN/Inf is reported above).
    if (layout.completeSections === layout.fileSections && nonFinite === 0 && Number.isFinite(stats.mean)) checkStats(header, stats, problems);
    return { ...base, layout, stats, nonFiniteCount: nonFinite, readable: true, problems };
  } finally {
    await source.close();
  }
}

/**
 * Validates an MRC file against MRC2014 and returns every problem found; [] means valid.
 * @throws FormatError only when the file cannot be opened (missing, a directory, bad compression).
 */
export async function validateMrc(path: string): Promise<Problem[]> {
  const report = await inspectMrc(path);
  return [...report.problems];
}

