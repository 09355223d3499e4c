// `cryopick report DIR --out report.html`: a single-file HTML report (images embedded) of a pick
// run (optionally evaluated against reference picks) or of a training run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { MicrographPicks } from '../../io/coords.js';
import { MANIFEST_NAME } from '../../pick/pick-run.js';
import { buildPickReport } from '../../report/pick-report.js';
import { buildTrainReport } from '../../report/train-report.js';
import { writeHtmlReport } from '../../report/html.js';
import { parseNumberFlag } from './_options.js';
import { applyRenamedFlags } from './_renamed.js';
import { parseFormatFlag, readPickFiles } from './_pick-files.js';

interface ReportFlags {
  readonly out: string;
  readonly threshold?: string;
  readonly ref?: string[];
  readonly refFormat?: string;
  readonly refBinning: string;
  readonly diameterPx?: string;
  readonly previews: string;
  readonly overwrite?: boolean;
}

export async function reportAction(dir: string, flags: ReportFlags): Promise<void> {
  applyRenamedFlags(flags as unknown as Record<string, unknown>, [{ old: 'diameter', now: 'diameter-px' }]);
  const positive = (v: number): boolean => v > 0;
  let report;
  if (existsSync(join(dir, MANIFEST_NAME))) {
    const format = parseFormatFlag(flags.refFormat, '--ref-format');
    const binning = parseNumberFlag(flags.refBinning, '--ref-binning', positive, 'a positive number') as number;
    const references: MicrographPicks[] | undefined = flags.ref === undefined || flags.ref.length === 0 ? undefined : await readPickFiles(flags.ref, format, binning);
    const diameterPx = parseNumberFlag(flags.diameterPx, '--diameter-px', positive, 'a positive number');
    report = await buildPickReport(dir, {
      ...(flags.threshold === undefined ? {} : { threshold: parseNumberFlag(flags.threshold, '--threshold', () => true, 'a number') as number }),
      ...(flags.previews === 'all' ? {} : { previews: parseNumberFlag(flags.previews, '--previews', (v) => Number.isInteger(v) && v >= 0, 'a whole number >= 0 or all') as number }),
      ...(references === undefined ? {} : { references }),
      ...(diameterPx === undefined ? {} : { diameterPx }),
    });
  } else if (existsSync(join(dir, 'summary.json'))) {
    report = await buildTrainReport(dir);
  } else {
    throw new UserError('ENOENT', `${dir} is neither a pick run (${MANIFEST_NAME}) nor a training run (summary.json)`);
  }
  for (const w of report.warnings ?? []) process.stderr.write(`cryopick: warning: ${w}\n`);
  await writeHtmlReport(flags.out, { ...report, subtitle: `${report.subtitle ?? dir} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC` }, { overwrite: flags.overwrite ?? false });
  process.stdout.write(`wrote ${flags.out}\n`);
}

