// `cryopick evaluate --pred P --ref R`: matches predicted to reference picks and prints
// precision, recall, F1, best F1, AP and mean IoU; optional JSON and PR-curve plot.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { COORDINATE_FORMATS } from '../../io/coordinate-formats.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { evaluatePicks, diameterFromReferences, type EvaluateOptions } from '../../eval/evaluate.js';
import { evaluationToJson, formatEvaluation } from '../../eval/format.js';
import { renderPrCurve, writePlot } from '../../report/plots.js';
import { parseNumberFlag } from './_options.js';
import { lengthInFrame, ORIGINAL_FRAME } from '../../io/coords.js';
import { MATCH_RENAMED, applyRenamedFlags, addRenamedFlags } from './_renamed.js';
import { parseFormatFlag, readPickFiles } from './_pick-files.js';

interface EvaluateFlags {
  readonly pred: string[];
  readonly ref: string[];
  readonly predFormat?: string;
  readonly refFormat?: string;
  readonly predBinning?: string;
  readonly refBinning?: string;
  readonly diameterPx?: string;
  readonly matchRadiusPx?: string;
  readonly iou?: string;
  readonly match: string;
  readonly threshold?: string;
  readonly imageHeight?: string;
  readonly json?: string;
  readonly plot?: string;
  readonly perMicrograph?: boolean;
  readonly common?: boolean;
  readonly overwrite?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description('Compare predicted picks with reference picks: precision, recall, F1, best F1, AP (step-wise area under the PR curve, as scikit-learn average_precision_score), mean IoU, PR curve')
    .requiredOption('--pred <paths...>', 'predicted coordinate files or folders (any format cryopick reads), or a `cryopick pick` output folder')
    .requiredOption('--ref <paths...>', 'reference coordinate files or folders')
    .option('--pred-format <format>', `format of --pred (default: from the extension): ${COORDINATE_FORMATS.join(', ')}`)
    .option('--ref-format <format>', 'format of --ref (default: from the extension)')
    .option('--pred-binning <n>', 'the predictions are in pixels of an n× downsampled micrograph', '1')
    .option('--ref-binning <n>', 'the references are in pixels of an n× downsampled micrograph', '1')
    .option('--diameter-px <px>', 'particle diameter in original-micrograph pixels (default: from the reference files)')
    .option('--match-radius-px <px>', 'match centres within this distance in original pixels (default 0.25 × diameter)')
    .option('--iou <t>', 'match by box IoU >= t instead (boxes of side = diameter; crYOLO uses 0.6)')
    .option('--match <method>', 'hungarian (most matches, optimal) or greedy (by descending score)', 'hungarian')
    .option('--threshold <score>', 'score threshold for precision/recall/F1 (default: all predictions)')
    .option('--image-height <px>', 'micrograph height in original pixels, for the y-flip check')
    .option('--json <file>', 'write the full report (overall, per micrograph, PR curve) as JSON')
    .option('--plot <file>', 'write the precision-recall curve as SVG and PNG (give either extension)')
    .option('--per-micrograph', 'also print one line per micrograph')
    .option('--common', 'only micrographs present in both sets (default: every micrograph with references; missing predictions count as misses)')
    .option('--overwrite', 'replace existing --json / --plot files')
    .action(async (flags: EvaluateFlags) => {
      applyRenamedFlags(flags as unknown as Record<string, unknown>, MATCH_RENAMED);
      if (flags.matchRadiusPx !== undefined && flags.iou !== undefined) throw new UsageError('--match-radius-px and --iou are alternatives; give one');
      if (flags.match !== 'hungarian' && flags.match !== 'greedy') throw new UsageError(`--match: expected hungarian or greedy, got '${flags.match}'`);
      const positive = (v: number): boolean => v > 0;
      const predBinning = parseNumberFlag(flags.predBinning, '--pred-binning', positive, 'a positive number') as number;
      const refBinning = parseNumberFlag(flags.refBinning, '--ref-binning', positive, 'a positive number') as number;
      const radiusPx = parseNumberFlag(flags.matchRadiusPx, '--match-radius-px', positive, 'a positive number');
      const minIou = parseNumberFlag(flags.iou, '--iou', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
      const threshold = parseNumberFlag(flags.threshold, '--threshold');
      const height = parseNumberFlag(flags.imageHeight, '--image-height', positive, 'a positive number');
      let diameterPx = parseNumberFlag(flags.diameterPx, '--diameter-px', positive, 'a positive number');
      const predictions = await readPickFiles(flags.pred, parseFormatFlag(flags.predFormat, '--pred-format'), predBinning);
      const references = await readPickFiles(flags.ref, parseFormatFlag(flags.refFormat, '--ref-format'), refBinning);
      diameterPx ??= diameterFromReferences(references);
      if (diameterPx === undefined) throw new UsageError('--diameter-px is needed: the reference files do not record particle diameters');
      const options: EvaluateOptions = {
        diameterPx,
        method: flags.match,
        ...(flags.common ? { micrographs: 'common' as const } : {}),
        ...(minIou === undefined ? { criterion: 'distance' as const } : { criterion: 'iou' as const, minIou }),
        ...(radiusPx === undefined ? {} : { radiusPx }),
        ...(threshold === undefined ? {} : { threshold }),
      };
      const refs = height === undefined ? references : references.map((r) => ({ ...r, height: r.height ?? lengthInFrame(height, ORIGINAL_FRAME, r.frame) }));
      const report = evaluatePicks(predictions, refs, options);
      for (const w of report.warnings) process.stderr.write(`cryopick: warning: ${w}\n`);
      process.stdout.write(formatEvaluation(report, flags.perMicrograph ? { perMicrograph: true } : {}));
      const overwrite = flags.overwrite ?? false;
      if (flags.json !== undefined) {
        await writeFileAtomic(flags.json, evaluationToJson(report), { overwrite });
        process.stdout.write(`wrote ${flags.json}\n`);
      }
      if (flags.plot !== undefined) {
        const best = report.overall.bestF1;
        const svg = await renderPrCurve({
          title: 'precision-recall',
          curves: [{
            name: 'picks',
            points: report.curve.map((p) => ({ recall: p.recall, precision: p.precision })),
            ...(report.overall.ap === undefined ? {} : { ap: report.overall.ap }),
            ...(best ? { best: { recall: best.recall, precision: best.precision, label: `best F1 ${best.f1.toFixed(3)}` } } : {}),
          }],
        });
        const written = await writePlot(flags.plot, svg, { overwrite });
        process.stdout.write(`wrote ${written.svgPath} and ${written.pngPath}\n`);
      }
    });
  addRenamedFlags(cmd, MATCH_RENAMED);
}
