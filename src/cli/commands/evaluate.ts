// `cryopick evaluate --pred P --ref R`: matches predicted to reference picks and prints
// precision, recall, F1, best F1, AP and mean IoU; optional JSON and PR-curve plot.
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { evaluatePicks, diameterFromReferences, type EvaluateOptions } from '../../eval/evaluate.js';
import { evaluationToJson, formatEvaluation } from '../../eval/format.js';
import { parseNumberFlag } from './_options.js';
import { lengthInFrame, ORIGINAL_FRAME } from '../../io/coords.js';
import { MATCH_RENAMED, applyRenamedFlags } from './_renamed.js';
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

export async function evaluateAction(flags: EvaluateFlags): Promise<void> {
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
    const { renderPrCurve, writePlot } = await import('../../report/plots.js'); // the plotting libraries load only for --plot
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
}

