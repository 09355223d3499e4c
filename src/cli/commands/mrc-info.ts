// `cryopick mrc-info FILE...`: dimensions, mode, pixel size, statistics, extended header and
// every MRC2014 problem of each file. Like mrcfile, reading and validating are separate: departures
// from MRC2014 are warnings and the exit is 0 when the data reads; --strict makes them an error.
import { UsageError, UserError } from '../../errors.js';
import { inspectMrc } from '../../io/mrc-validate.js';
import type { MrcReport } from '../../io/mrc-validate.js';
import { MRC_MODES, isMrcMode } from '../../io/mrc-modes.js';

interface MrcInfoOptions {
  readonly permissive?: boolean;
  readonly strict?: boolean;
  readonly json?: boolean;
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return 'n/a';
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

/** Renders one report as text lines (pure, for tests). */
export function renderMrcReport(r: MrcReport): string {
  const lines = [r.path];
  const h = r.header;
  if (h !== undefined) {
    const dtype = isMrcMode(h.mode) ? MRC_MODES[h.mode].dtype : 'unsupported';
    lines.push(`  file dimensions   ${h.nx} x ${h.ny} x ${h.nz} (columns x rows x sections), axes ${h.mapc},${h.mapr},${h.maps}`);
    if (r.layout) lines.push(`  image dimensions  ${r.layout.width} x ${r.layout.height}, ${r.layout.depth} section(s)`);
    lines.push(`  mode              ${h.mode} (${dtype}${h.mode === 0 && r.layout?.int8Unsigned ? ', unsigned' : ''}), ${h.littleEndian ? 'little' : 'big'}-endian`);
    lines.push(`  pixel size        ${r.pixelSizeA === undefined ? 'unknown (cell <= 0)' : `${fmt(r.pixelSizeA)} Å`}`);
    lines.push(`  header stats      min ${fmt(h.dmin)}  max ${fmt(h.dmax)}  mean ${fmt(h.dmean)}  rms ${fmt(h.rms)}`);
    if (r.stats) lines.push(`  data stats        min ${fmt(r.stats.min)}  max ${fmt(r.stats.max)}  mean ${fmt(r.stats.mean)}  rms ${fmt(r.stats.rms)}`);
    lines.push(`  extended header   ${h.nsymbt} bytes${h.nsymbt > 0 ? `, type '${h.exttyp}'` : ''}`);
    if (r.nonFiniteCount > 0) lines.push(`  non-finite pixels ${r.nonFiniteCount}`);
  }
  if (r.problems.length === 0) lines.push('  valid MRC2014 file');
  else {
    lines.push(dataReads(r)
      ? `  ${r.problems.length} departure(s) from MRC2014 (warnings: the data reads; --strict makes them errors):`
      : `  ${r.problems.length} problem(s) (data unreadable):`);
    for (const p of r.problems) lines.push(`    - ${p.byteOffset !== undefined ? `byte ${p.byteOffset}: ` : ''}${p.message}`);
  }
  return lines.join('\n');
}

/** The data can be read in full (every section present), whatever the header's departures. */
export function dataReads(r: MrcReport): boolean {
  return r.readable && (r.layout === undefined || r.layout.completeSections === r.layout.fileSections);
}

function toJson(r: MrcReport): unknown {
  const { layout, ...rest } = r;
  return { ...rest, ...(layout ? { width: layout.width, height: layout.height, depth: layout.depth } : {}), valid: r.problems.length === 0, readable: dataReads(r) };
}

export async function mrcInfoAction(files: string[], options: MrcInfoOptions): Promise<void> {
  const reports: MrcReport[] = [];
  for (const f of files) reports.push(await inspectMrc(f));
  if (options.json) process.stdout.write(`${JSON.stringify(reports.map(toJson), null, 2)}\n`);
  else process.stdout.write(`${reports.map(renderMrcReport).join('\n\n')}\n`);
  if (options.strict && options.permissive) throw new UsageError('--strict and --permissive contradict each other; give one');
  const strict = options.strict === true;
  const failed = reports.filter((r) => (strict ? r.problems.length > 0 : !dataReads(r)));
  if (failed.length > 0) {
    throw new UserError('EINVALID', `${failed.length} of ${reports.length} file(s) ${strict ? 'invalid (MRC2014, --strict)' : 'unreadable'}: ${failed.map((r) => r.path).join(', ')}`);
  }
  const warned = reports.filter((r) => r.problems.length > 0);
  if (warned.length > 0 && !options.json) {
    process.stderr.write(`cryopick: warning: ${warned.length} of ${reports.length} file(s) depart from MRC2014 (listed above); the data reads${warned.length === 1 ? '' : ' in each'}; --strict makes this an error\n`);
  }
}

