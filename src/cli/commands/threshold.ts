// `cryopick threshold RUN --out DIR`: re-thresholds a finished pick run from its stored detections
// (no network): by score, by expected particles per micrograph, or to a target precision on labelled data.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { readManifest } from '../../pick/pick-run.js';
import { parseOutputFormats, writePickOutputs, PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { resolveThreshold, type ThresholdRule } from '../../pick/threshold.js';
import { readSavedThreshold, SAVED_THRESHOLD_NAME } from '../../pick/saved-threshold.js';
import { parseNumberFlag } from './_options.js';
import { MATCH_RENAMED, applyRenamedFlags, addRenamedFlags } from './_renamed.js';
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

export function register(program: Command): void {
  const cmd = program
    .command('threshold')
    .description('Re-threshold a pick run without re-running the network: by score, particles per micrograph, or target precision')
    .argument('<run>', 'output folder of `cryopick pick`')
    .requiredOption('-o, --out <dir>', 'folder for the re-thresholded picks')
    .option('--threshold <logit>', 'keep picks with score >= logit (as pick --threshold)')
    .option('--count <n>', 'keep the best picks so that micrographs have n particles on average (one global threshold)')
    .option('--precision <p>', 'lowest threshold whose precision on the labelled micrographs (--ref) is >= p')
    .option('--saved', 'use the threshold saved with the run by `cryopick view` (threshold.json)')
    .option('--ref <paths...>', 'reference picks of some micrographs (for --precision)')
    .option('--ref-format <format>', 'format of --ref (default: from the extension)')
    .option('--ref-binning <n>', 'the references are in pixels of an n× downsampled micrograph', '1')
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: the pick run\'s)')
    .option('--match-radius-px <px>', 'matching radius for --precision in original pixels (default 0.25 × diameter)')
    .option('--match <method>', 'hungarian or greedy matching for --precision', 'hungarian')
    .option('--format <list>', `comma-separated outputs: ${PICK_OUTPUT_FORMATS.join(', ')}`, 'star')
    .option('--box-size <px>', 'box size for .box/.cbox output (default: the diameter)')
    .option('--overwrite', 'replace existing files in --out')
    .action(async (run: string, flags: ThresholdFlags) => {
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
    });
  addRenamedFlags(cmd, [...MATCH_RENAMED, { old: 'score', now: 'threshold' }]);
}
