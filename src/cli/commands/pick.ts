// `cryopick pick MICROGRAPHS... --model M --out DIR`: picks every micrograph with a trained
// model (streamed, resumable), keeps all detections above a floor, writes picks at a threshold.
import cliProgress from 'cli-progress';
import { InterruptedError, PartialFailureError, UsageError } from '../../errors.js';
import { FAILED_LIST_NAME, failedSummary, sha256File, writeFailedList } from '../../pick/run-records.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadScoreModel } from '../../pick/score-model.js';
import { listMicrographs } from '../../io/micrograph-inputs.js';
import { pickMicrographs, type PickProgress } from '../../pick/pick-run.js';
import { parseOutputFormats, writePickOutputs, PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { pickCountWarning } from '../../pick/pick-count-check.js';
import { PICK_FILTER_DEFAULTS } from '../../classifier/pick-filter-defaults.js';
import { defaultThreshold } from '../../pick/threshold.js';
import { parseNumberFlag } from './_options.js';
import { PICK_RENAMED } from '../registry/pick.js';
import { installInterrupt } from './_interrupt.js';
import { applyRenamedFlags } from './_renamed.js';
import { applyDiameterSynonyms, pickDiameterPx } from './_pick-diameter.js';
import { autoThreshold } from '../../pick/auto-threshold.js';
import { DEFAULT_BORDER_FRACTION, GENERAL_FIXED_THRESHOLD, atParticleScale, isScaleFree, resolveModelPath } from '../../pick/general-model.js';
import { TTA_MODES, type TestTimeAugmentation } from '../../pick/tta.js';
import { acquireRunLock } from '../../io/run-lock.js';
import { parseShard } from '../../pick/shard.js';
import { MASK_KINDS, carbonMaskFilter } from '../../pick/carbon-mask.js';
import type { Image2D } from '../../image/image.js';
import type { MicrographDetections } from '../../pick/detections.js';

type PickFilter = (image: Image2D, found: MicrographDetections) => Promise<MicrographDetections>;

/** The post-filters in order (the mask first: it is cheap and leaves the classifier less to crop). */
function chainFilters(...filters: (PickFilter | undefined)[]): PickFilter | undefined {
  const given = filters.filter((f): f is PickFilter => f !== undefined);
  if (given.length === 0) return undefined;
  return async (image, found) => {
    let out = found;
    for (const f of given) out = await f(image, out);
    return out;
  };
}

interface PickFlags {
  readonly mask: string;
  readonly classifier?: string;
  readonly keep?: string;
  readonly keepMinProb?: string;
  readonly classifierWeight?: string;
  readonly permissive?: boolean;
  readonly model: string;
  readonly out: string;
  readonly format: string;
  readonly threshold?: string;
  readonly floor: string;
  readonly diameterPx?: string;
  readonly diameterA?: string;
  readonly pixelSizeA?: string;
  readonly minDistancePx?: string;
  readonly borderPx?: string;
  readonly inference: string;
  readonly boxSize?: string;
  readonly workers: string;
  readonly resume?: boolean;
  readonly skipBad?: boolean;
  readonly overwrite?: boolean;
  readonly device: string;
  readonly threads?: string;
  readonly tta: string;
  readonly smooth: string;
  readonly minSize?: string;
  readonly maxSize?: string;
  readonly shard?: string;
  readonly watch?: string;
  readonly idleTimeout?: string;
  readonly poll: string;
}

function progressLine(p: PickProgress): string {
  const eta = p.etaSeconds === undefined ? '?' : `${Math.round(p.etaSeconds)} s`;
  return `${p.done}/${p.total} micrographs, ${p.micrographsPerSecond.toFixed(2)} micrographs/s, ETA ${eta}, ${p.detections} detections`;
}

export async function pickAction(inputs: string[], flags: PickFlags): Promise<void> {
  applyRenamedFlags(flags as unknown as Record<string, unknown>, PICK_RENAMED);
  applyDiameterSynonyms(flags as unknown as Record<string, unknown>);
  const { formats, unknown } = parseOutputFormats(flags.format);
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format: unknown '${unknown.join(',')}' (choose from ${PICK_OUTPUT_FORMATS.join(', ')})`);
  if (flags.inference !== 'dense' && flags.inference !== 'strided') throw new UsageError(`--inference: expected dense or strided, got '${flags.inference}'`);
  if (!(MASK_KINDS as readonly string[]).includes(flags.mask)) throw new UsageError(`--mask: expected ${MASK_KINDS.join(' or ')}, got '${flags.mask}'`);
  if (!(TTA_MODES as readonly string[]).includes(flags.tta)) throw new UsageError(`--tta: expected ${TTA_MODES.join(', ')}, got '${flags.tta}'`);
  const any = (): boolean => true;
  const positive = (v: number): boolean => v > 0;
  const smoothing = parseNumberFlag(flags.smooth, '--smooth', (v) => v >= 0 && v <= 1, 'a fraction of the diameter between 0 and 1') as number;
  const minSizePx = parseNumberFlag(flags.minSize, '--min-size', positive, 'a positive number');
  const maxSizePx = parseNumberFlag(flags.maxSize, '--max-size', positive, 'a positive number');
  if (minSizePx !== undefined && maxSizePx !== undefined && minSizePx > maxSizePx) throw new UsageError(`--min-size (${minSizePx}) must not be above --max-size (${maxSizePx})`);
  const borderGivenPx = parseNumberFlag(flags.borderPx, '--border-px', (v) => v >= 0, 'a number >= 0');
  const workers = parseNumberFlag(flags.workers, '--workers', (v) => Number.isInteger(v) && v >= 1, 'a positive integer') as number;
  const boxSizePx = parseNumberFlag(flags.boxSize, '--box-size', positive, 'a positive number');
  if (inputs.length === 0 && flags.watch === undefined) throw new UsageError('give the micrograph files or folders to pick (or --watch DIR)');
  if (flags.watch !== undefined && (inputs.length > 0 || flags.shard !== undefined)) throw new UsageError('--watch picks the micrographs of its folder: give no micrograph arguments and no --shard');
  const idleTimeout = parseNumberFlag(flags.idleTimeout, '--idle-timeout', positive, 'a positive number of seconds');
  const poll = parseNumberFlag(flags.poll, '--poll', positive, 'a positive number of seconds') as number;
  const files = listMicrographs(inputs);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  if (flags.device !== 'cpu' && flags.device !== 'webgpu' && flags.device !== 'cuda') throw new UsageError(`--device: expected cpu, webgpu or cuda, got '${flags.device}'`);
  const threads = parseNumberFlag(flags.threads, '--threads', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  const modelPath = resolveModelPath(flags.model);
  const lock = acquireRunLock(flags.out, 'pick');
  let model;
  try {
    model = await loadScoreModel(modelPath, { provider: flags.device, ...(threads === undefined ? {} : { threads }) });
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    const yolo = model.family === 'yolo';
    if (!yolo && (minSizePx !== undefined || maxSizePx !== undefined)) throw new UsageError('--min-size and --max-size filter estimated box sizes: they need a yolo model (cryopick train --family yolo)');
    const scaleFree = isScaleFree(model);
    // scale-free (general) models: by default the threshold comes from the run's score distribution
    const auto = flags.threshold === 'auto' || (flags.threshold === undefined && scaleFree && flags.watch === undefined);
    const fixed = auto ? undefined : (parseNumberFlag(flags.threshold, '--threshold', any, 'a number or auto')
      ?? (scaleFree ? GENERAL_FIXED_THRESHOLD : defaultThreshold(flags.inference as 'dense' | 'strided', smoothing > 0, model.family ?? 'topaz')));
    const floor = parseNumberFlag(flags.floor, '--floor', any, 'a number') as number;
    if (fixed !== undefined && floor > fixed) throw new UsageError(`--floor (${floor}) must not be above --threshold (${fixed})`);
    const diameterPx = await pickDiameterPx(model, flags as unknown as Record<string, unknown>, () => files, (line) => void process.stdout.write(line));
    model = atParticleScale(model, diameterPx);
    const borderPx = borderGivenPx ?? DEFAULT_BORDER_FRACTION * diameterPx;
    const minDistancePx = parseNumberFlag(flags.minDistancePx, '--min-distance-px', positive, 'a positive number') ?? 0.5 * diameterPx;
    if ((flags.classifier === undefined) !== (flags.keep === undefined)) throw new UsageError('--classifier and --keep go together: the classifier model and the class to keep');
    if (flags.classifier === undefined && (flags.keepMinProb !== undefined || flags.classifierWeight !== undefined)) throw new UsageError('--keep-min-prob and --classifier-weight need --classifier and --keep');
    const keepMinProb = parseNumberFlag(flags.keepMinProb, '--keep-min-prob', (v) => v >= 0 && v <= 1, 'a probability in [0, 1]') ?? PICK_FILTER_DEFAULTS.minProb;
    const classifierWeight = parseNumberFlag(flags.classifierWeight, '--classifier-weight', (v) => v >= 0, 'a number >= 0') ?? PICK_FILTER_DEFAULTS.weight;
    const permissive = flags.permissive ?? false;
    const crops = flags.classifier !== undefined ? await (await import('../../classifier/pick-filter.js')).createPickFilter(flags.classifier, { keep: flags.keep as string, minProb: keepMinProb, weight: classifierWeight, threads: threads ?? 0 }) : undefined;
    const mask = flags.mask === 'carbon' ? carbonMaskFilter(diameterPx) : undefined;
    const filter = chainFilters(mask?.filter, crops?.filter);
    const modelId = `${flags.model}${mask ? ' + mask carbon' : ''}${crops ? ` + classifier ${flags.classifier} keep ${flags.keep} min-prob ${keepMinProb} weight ${classifierWeight}` : ''}`;
    if (flags.watch !== undefined) {
      const { pickWatched } = await import('./_pick-watch.js');
      await pickWatched(model, {
        outDir: flags.out, minDistancePx, floor, borderPx, inference: flags.inference, diameterPx, concurrency: workers,
        testTimeAugmentation: flags.tta as TestTimeAugmentation, smoothingPx: smoothing * diameterPx,
        modelId, ...(filter ? { filter } : {}), resume: flags.resume ?? false, overwrite: flags.overwrite ?? false, permissive,
        skipBad: flags.skipBad ?? false, onWarning: (m) => process.stderr.write(`cryopick: warning: ${m}\n`),
      }, { dir: flags.watch, pollSeconds: poll, ...(idleTimeout === undefined ? {} : { idleTimeoutSeconds: idleTimeout }) }, { threshold: fixed as number, formats, boxSizePx: boxSizePx ?? diameterPx });
      return;
    }
    const stop = installInterrupt(['interrupt: finishing the micrographs in flight, then stopping; the run stays resumable (Ctrl+C again to quit at once)']);
    const modelSha256 = await sha256File(modelPath);
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar({ format: 'pick [{bar}] {value}/{total} | {rate} micrographs/s | ETA {eta_formatted} | {detections} detections', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
      : undefined;
    bar?.start(files.length, 0, { rate: '0.00', detections: 0 });
    let lastLog = 0;
    let result;
    try {
      result = await pickMicrographs(files, model, {
        outDir: flags.out, minDistancePx, floor, borderPx, inference: flags.inference, diameterPx, concurrency: workers,
        testTimeAugmentation: flags.tta as TestTimeAugmentation, smoothingPx: smoothing * diameterPx,
        ...(minSizePx === undefined ? {} : { minSizePx }), ...(maxSizePx === undefined ? {} : { maxSizePx }),
        modelId, ...(filter ? { filter } : {}), modelSha256, permissive, skipBad: flags.skipBad ?? false, onWarning: (m) => process.stderr.write(`cryopick: warning: ${m}\n`), ...(auto ? { thresholdRule: 'auto' as const } : {}), ...(shard === undefined ? {} : { shard }), signal: stop.signal(0), resume: flags.resume ?? false, overwrite: flags.overwrite ?? false,
        onProgress: (p) => {
          if (p.total !== files.length) bar?.setTotal(p.total);
          bar?.update(p.done, { rate: p.micrographsPerSecond.toFixed(2), detections: p.detections });
          if (!bar && (Date.now() - lastLog > 5000 || p.done === p.total)) {
            lastLog = Date.now();
            process.stderr.write(`pick: ${progressLine(p)}\n`);
          }
        },
      });
    } finally {
      bar?.stop();
      stop.dispose();
    }
    if (result.interrupted) {
      throw new InterruptedError(`interrupted after ${result.picked + result.skipped} of ${result.micrographs.length} micrographs; the run is resumable: rerun the same command with --resume to finish`);
    }
    const bad = new Set(result.failed.map((f) => f.micrograph));
    if (bad.size > 0) await writeFailedList(flags.out, result.failed);
    else await rm(join(flags.out, FAILED_LIST_NAME), { force: true }); // a resume that picked them all
    if (shard !== undefined) {
      process.stdout.write(`shard ${shard.index}/${shard.count}: picked ${result.picked} of ${result.micrographs.length} micrograph(s)${result.skipped ? ` (${result.skipped} already done)` : ''} in ${result.seconds.toFixed(1)} s; combine all ${shard.count} shards with cryopick merge\n`);
      if (bad.size > 0) throw new PartialFailureError(failedSummary(flags.out, result.failed));
      return;
    }
    const rewrite = (flags.resume ?? false) || (flags.overwrite ?? false);
    const threshold = fixed ?? (await autoThreshold(flags.out, files.filter((f) => !bad.has(f)), (line) => void process.stdout.write(line)));
    const written = await writePickOutputs(flags.out, files.filter((f) => !bad.has(f)), threshold, formats, flags.out, { overwrite: rewrite, ...(boxSizePx !== undefined ? { boxSizePx } : yolo ? {} : { boxSizePx: diameterPx }) });
    const rate = result.seconds > 0 ? result.picked / result.seconds : 0;
    process.stdout.write(`picked ${result.picked} micrograph(s)${result.skipped ? ` (${result.skipped} already done)` : ''} in ${result.seconds.toFixed(1)} s (${rate.toFixed(2)} micrographs/s)\n`);
    process.stdout.write(`${written.particles} particles at score >= ${threshold} (${(written.particles / Math.max(1, files.length)).toFixed(1)} per micrograph); detections >= ${floor} kept in ${flags.out}/detections for cryopick threshold\n`);
    const tooMany = pickCountWarning({ perMicrograph: written.particles / Math.max(1, files.length - bad.size), trained: model.trainedParticleCount, threshold,
      ...(model.trainedPixelSizeA === undefined ? {} : { trainedPixelSizeA: model.trainedPixelSizeA }) });
    if (tooMany !== undefined) process.stderr.write(`cryopick: warning: ${tooMany}\n`);
    if (mask) process.stdout.write(`mask carbon dropped ${mask.stats.dropped} of ${mask.stats.seen} detection(s) (${(100 * mask.stats.maskedFraction).toFixed(1)} % of the area masked on average)\n`);
    if (crops) process.stdout.write(`classifier kept ${crops.stats.kept} of ${crops.stats.seen} detection(s) with p(${flags.keep}) >= ${keepMinProb}, re-ranked with weight ${classifierWeight}\n`);
    process.stdout.write(`wrote ${written.files.length} file(s): ${formats.join(', ')}\n`);
    await crops?.release();
    if (bad.size > 0) throw new PartialFailureError(failedSummary(flags.out, result.failed));
  } finally {
    await model.release?.();
    lock.release();
  }
}

