// `cryopick convert INPUT... --to FMT --out PATH`: any coordinate format to any other, with
// scaling, y-flip, score threshold and box size; reports micrograph names that do not match.
import { parseNumberFlag, positive } from './_options.js';
import { ConfigError, UsageError } from '../../errors.js';
import { type CoordinateFormat } from '../../io/coordinate-formats.js';
import { convertCoordinates } from '../../io/coordinate-convert.js';
import { parseFormatFlag } from './_pick-files.js';

interface ConvertFlags {
  readonly from?: string;
  readonly to: string;
  readonly out: string;
  readonly scale?: string;
  readonly flipY?: boolean;
  readonly imageHeight?: string;
  readonly micrographs?: string;
  readonly threshold?: string;
  readonly boxSize?: string;
  readonly pixelSize?: string;
  readonly voltage?: string;
  readonly overwrite?: boolean;
  readonly permissive?: boolean;
  readonly perMicrograph?: boolean;
  readonly dropOutside?: boolean;
  readonly requireMatch?: boolean;
  readonly useMicrographNames?: boolean;
}

export async function convertAction(inputs: string[], flags: ConvertFlags): Promise<void> {
  const to = parseFormatFlag(flags.to, '--to') as CoordinateFormat;
  const from = parseFormatFlag(flags.from, '--from');
  const pixelSizeA = parseNumberFlag(flags.pixelSize, '--pixel-size', positive, 'a positive number');
  const voltageKv = parseNumberFlag(flags.voltage, '--voltage', positive, 'a positive number');
  if (flags.imageHeight !== undefined && !flags.flipY) throw new UsageError('--image-height is only used with --flip-y');
  if ((flags.requireMatch || flags.useMicrographNames) && flags.micrographs === undefined) {
    throw new UsageError(`${flags.requireMatch ? '--require-match' : '--use-micrograph-names'} needs --micrographs`);
  }
  let mismatch = '';
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));
  const result = await convertCoordinates(inputs, {
    to,
    out: flags.out,
    ...opt('from', from),
    ...opt('scale', parseNumberFlag(flags.scale, '--scale', positive, 'a positive number')),
    ...opt('flipY', flags.flipY),
    ...opt('imageHeight', parseNumberFlag(flags.imageHeight, '--image-height', positive, 'a positive number')),
    ...opt('micrographs', flags.micrographs),
    ...opt('threshold', parseNumberFlag(flags.threshold, '--threshold')),
    ...opt('boxSize', parseNumberFlag(flags.boxSize, '--box-size', positive, 'a positive number')),
    ...opt('overwrite', flags.overwrite),
    ...opt('permissive', flags.permissive),
    ...opt('perMicrograph', flags.perMicrograph),
    ...opt('dropOutside', flags.dropOutside),
    ...opt('useMicrographNames', flags.useMicrographNames),
    ...(pixelSizeA === undefined ? {} : { optics: { pixelSizeA, ...opt('voltageKv', voltageKv) } }),
    onWarning: (w) => process.stderr.write(`cryopick: warning: ${w.path}${w.line === undefined ? '' : ` line ${w.line}`}: ${w.message}\n`),
    onOutside: (report) => {
      process.stderr.write(`cryopick: warning: ${report}; ${flags.dropOutside ? 'dropped (--drop-outside)' : 'written anyway (--drop-outside drops them)'}\n`);
    },
    onNameMismatch: (report) => {
      mismatch = report;
      if (flags.requireMatch) throw new ConfigError([{ path: 'micrographs', message: report }], 'micrograph names do not match');
      process.stderr.write(`cryopick: warning: micrograph names do not match:\n${report.replace(/^/gm, '  ')}\n`);
    },
  });
  const drops = [
    ...(result.droppedByThreshold > 0 ? [`${result.droppedByThreshold} below the threshold`] : []),
    ...(flags.dropOutside && result.outside > 0 ? [`${result.outside} outside their micrograph`] : []),
  ];
  const dropped = drops.length > 0 ? ` (${drops.join(', ')} dropped)` : '';
  process.stdout.write(`wrote ${result.particles} particles of ${result.micrographs} micrograph(s) to ${result.written.length} file(s)${dropped}\n`);
  if (mismatch !== '') process.stdout.write('some micrograph names did not match (see the warning above)\n');
}

