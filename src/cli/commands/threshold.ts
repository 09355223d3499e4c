// `cryopick threshold RUN --out DIR`: re-thresholds a finished pick run from its stored detections
// (no network): by score, by expected particles per micrograph, or to a target precision on labelled data.
import { UsageError } from '../../errors.js';
import { readManifest } from '../../pick/pick-run.js';
import { parseOutputFormats, writePickOutputs, PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { resolveThreshold, type ThresholdRule } from '../../pick/threshold.js';
import { readSavedThreshold, SAVED_THRESHOLD_NAME } from '../../pick/saved-threshold.js';
import { parseNumberFlag } from './_options.js';
import { MATCH_RENAMED, applyRenamedFlags } from './_renamed.js';
import { parseFormatFlag, readPickFiles } from './_pick-files.js';

interface ThresholdFlags {
  readonly out: string;
  readonly threshold?: string;
  readonly count?: string;
  readonly precision?: string;
  readonly saved?: boolean;
  readonly ref?: string[];
  readonly refFormat?: string;
  readonly refBinning: string;
  readonly diameterPx?: string;
  readonly matchRadiusPx?: string;
  readonly match: string;
  readonly format: string;
  readonly boxSize?: string;
  readonly overwrite?: boolean;
}

export async function thresholdAction(run: string, flags: ThresholdFlags): Promise<void> {
  applyRenamedFlags(flags as unknown as Record<string, unknown>, [...MATCH_RENAMED, { old: 'score', now: 'threshold' }]);
  const given = [flags.threshold, flags.count, flags.precision, flags.saved].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of --threshold, --count, --precision, --saved');
  const { formats, unknown } = parseOutputFormats(flags.format);
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format: unknown '${unknown.join(',')}' (choose from ${PICK_OUTPUT_FORMATS.join(', ')})`);
  if (flags.match !== 'hungarian' && flags.match !== 'greedy') throw new UsageError(`--match: expected hungarian or greedy, got '${flags.match}'`);
  const positive = (v: number): boolean => v > 0;
  const manifest = await readManifest(run);
  const diameterPx = parseNumberFlag(flags.diameterPx, '--diameter-px', positive, 'a positive number') ?? manifest.diameterPx ?? undefined;
  let rule: ThresholdRule;
  if (flags.saved) {
    const saved = await readSavedThreshold(run);
    if (saved === undefined) throw new UsageError(`--saved: ${run} has no saved threshold (${SAVED_THRESHOLD_NAME}); save one in cryopick view`);
    rule = { kind: 'score', threshold: saved.threshold };
  } else if (flags.threshold !== undefined) {
    rule = { kind: 'score', threshold: parseNumberFlag(flags.threshold, '--threshold', () => true, 'a number') as number };
  } else if (flags.count !== undefined) {
    rule = { kind: 'count', perMicrograph: parseNumberFlag(flags.count, '--count', positive, 'a positive number') as number };
  } else {
    const target = parseNumberFlag(flags.precision, '--precision', (v) => v > 0 && v <= 1, 'a number in (0, 1]') as number;
    if (!flags.ref || flags.ref.length === 0) throw new UsageError('--precision needs reference picks (--ref)');
    if (diameterPx === undefined) throw new UsageError('--precision needs --diameter-px (the pick run recorded none)');
    const references = await readPickFiles(flags.ref, parseFormatFlag(flags.refFormat, '--ref-format'), parseNumberFlag(flags.refBinning, '--ref-binning', positive, 'a positive number') as number);
    const radiusPx = parseNumberFlag(flags.matchRadiusPx, '--match-radius-px', positive, 'a positive number');
    rule = { kind: 'precision', target, references, diameterPx, method: flags.match, ...(radiusPx === undefined ? {} : { radiusPx }) };
  }
  const chosen = await resolveThreshold(run, manifest.micrographs, rule);
  if (chosen.threshold < manifest.floor) process.stderr.write(`cryopick: warning: threshold ${chosen.threshold} is below the run's floor ${manifest.floor}; detections under the floor were not kept\n`);
  const boxSizePx = parseNumberFlag(flags.boxSize, '--box-size', positive, 'a positive number') ?? diameterPx;
  const written = await writePickOutputs(run, manifest.micrographs, chosen.threshold, formats, flags.out, {
    overwrite: flags.overwrite ?? false, ...(boxSizePx === undefined ? {} : { boxSizePx }),
  });
  process.stdout.write(`threshold ${chosen.threshold}: ${chosen.detail}\n`);
  process.stdout.write(`${written.particles} particles in ${written.micrographs} micrograph(s); wrote ${written.files.length} file(s) to ${flags.out}\n`);
}

