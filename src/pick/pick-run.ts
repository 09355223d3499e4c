// Picking a whole dataset: a bounded pool streams micrographs (read, preprocess, score, extract,
// write), so memory does not grow with the dataset; each micrograph's detections are written
// atomically and a run manifest lets --resume skip finished micrographs with identical results.
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Image2D } from '../image/image.js';
import { micrographReader } from '../io/micrograph.js';
import { micrographKey } from '../io/coords.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ConfigError, UserError } from '../errors.js';
import { preprocessParamsKey } from '../image/preprocess-params.js';
import type { ScoreModel } from './score-model.js';
import { pickImage, pickPrepared, type PickImageOptions } from './pick-image.js';
import { PreparePool } from './prepare-pool.js';
import { readPrepared } from './prepared.js';
import { detectionsPath, readDetections, writeDetections, type MicrographDetections } from './detections.js';
import { shardPositions, type ShardSpec } from './shard.js';
import { clearPickOutputs } from './outputs.js';
import { FAILED_LIST_NAME } from './run-records.js';
import { SAVED_THRESHOLD_NAME } from './saved-threshold.js';

export interface PickProgress {
  /** Micrographs finished so far, including those skipped by --resume. */
  readonly done: number;
  readonly total: number;
  readonly skipped: number;
  /** Detections above the floor so far (this run). */
  readonly detections: number;
  /** Throughput of this run (skipped micrographs excluded), and the estimated seconds left. */
  readonly micrographsPerSecond: number;
  readonly etaSeconds: number | undefined;
  readonly last?: string;
}

export interface PickRunOptions extends PickImageOptions {
  readonly outDir: string;
  /** Micrographs in flight at once (default 2): bounds memory; overlaps reading with inference. */
  readonly concurrency?: number;
  /** Skip micrographs whose detections are already written (the settings must match). */
  readonly resume?: boolean;
  /** Replace the outputs of an earlier run in outDir. */
  readonly overwrite?: boolean;
  /** Recorded in the manifest (e.g. the model path) and checked on resume. */
  readonly modelId?: string;
  /** SHA-256 of the model file: recorded, and a resume with another model is refused. */
  readonly modelSha256?: string;
  /** Keep going past micrographs that cannot be read or picked (listed in the result). */
  readonly skipBad?: boolean;
  /** Notes for the user (e.g. a cut detection file that is picked again). */
  readonly onWarning?: (message: string) => void;
  readonly onProgress?: (p: PickProgress) => void;
  readonly signal?: AbortSignal;
  /** Pick only this deterministic 1/N of `paths` (see shard.ts); recorded in the manifest for merge. */
  readonly shard?: ShardSpec;
  /** 'auto': the outputs' default threshold comes from the run's score distribution (general models); recorded so merge thresholds shards the same way. */
  readonly thresholdRule?: 'auto';
  /** Post-filter of each micrograph's detections (e.g. a particle-crop classifier dropping junk). */
  readonly filter?: (image: Image2D, found: MicrographDetections) => Promise<MicrographDetections>;
  /** Image reader (default readMicrograph; a custom reader reads on the main thread). */
  readonly readImage?: (path: string) => Promise<Image2D>;
  /** MRC: read files that depart from the standard, each problem a warning (see micrographReader). */
  readonly permissive?: boolean;
  /**
   * Worker threads that read and preprocess micrographs beside the network (prepare-pool.ts);
   * ignored with readImage or filter (both need the original image on the main thread), 0 = the
   * main thread. Default: 2 (at most the cores), which picked 4096² micrographs faster on a quiet
   * 2-core machine (yolo ×0.25: 3.1 against 2.6 micrographs/s; general model: 4.5 against 4.1;
   * BENCHMARKS.md yolo-speed, general-speed); under heavy load (10 on 2 cores) the main thread
   * was faster (0.78 against 0.64).
   */
  readonly prepareThreads?: number;
}

export interface PickRunResult {
  readonly outDir: string;
  readonly micrographs: readonly string[];
  readonly picked: number;
  readonly skipped: number;
  readonly detections: number;
  readonly seconds: number;
  /** True when stopped by the abort signal before all micrographs were done. */
  readonly interrupted: boolean;
  /** With skipBad: the micrographs that could not be read or picked, and why. */
  readonly failed: readonly { readonly micrograph: string; readonly reason: string }[];
}

/** The settings a run is bound to; a resumed run must have the same. */
export interface PickManifest {
  readonly kind: 'cryopick-pick-run';
  readonly version: 1;
  readonly modelId: string;
  /** SHA-256 of the model file; absent in manifests written before it was recorded. */
  readonly modelSha256?: string;
  readonly preprocess: string;
  readonly inference: string;
  readonly minDistancePx: number;
  readonly floor: number;
  readonly borderPx: number;
  readonly diameterPx: number | null;
  /** Absent in manifests written before test-time augmentation existed (= none). */
  readonly testTimeAugmentation?: string;
  /** σ in original pixels of the score-map smoothing; absent in manifests written before it existed (= 0). */
  readonly smoothingPx?: number;
  /** 'yolo' for box detectors (scores are confidences); absent = topaz. */
  readonly family?: 'topaz' | 'yolo';
  /** Size filter of box detectors (original pixels); absent = none. */
  readonly minSizePx?: number | null;
  readonly maxSizePx?: number | null;
  readonly micrographs: readonly string[];
  /** Only in shard runs: which shard, the size of the whole input list and each micrograph's position in it. */
  readonly shard?: ShardManifest;
  /** 'auto' when pick's default threshold comes from the run's score distribution (merge then does the same); absent = the fixed default. */
  readonly thresholdRule?: 'auto';
}

export interface ShardManifest extends ShardSpec {
  readonly inputs: number;
  readonly positions: readonly number[];
}

/** The settings that bind a run (resume) and that shards must share (merge). */
export const RUN_SETTINGS = ['modelId', 'preprocess', 'inference', 'minDistancePx', 'floor', 'borderPx', 'diameterPx', 'testTimeAugmentation', 'smoothingPx', 'minSizePx', 'maxSizePx'] as const;

/** Every setting that differs between two manifests, as `was …, now …` problems. */
export function settingsDifferences(before: PickManifest, after: PickManifest): { path: string; message: string }[] {
  const norm = (m: PickManifest): PickManifest => ({ ...m, testTimeAugmentation: m.testTimeAugmentation ?? 'none', smoothingPx: m.smoothingPx ?? 0,
    minSizePx: m.minSizePx ?? null, maxSizePx: m.maxSizePx ?? null });
  const [a, b] = [norm(before), norm(after)];
  const problems: { path: string; message: string }[] = RUN_SETTINGS.filter((k) => a[k] !== b[k]).map((k) => ({ path: k, message: `was ${JSON.stringify(a[k])}, now ${JSON.stringify(b[k])}` }));
  // the same path may hold another model: compare contents (when both runs recorded them)
  if (a.modelSha256 !== undefined && b.modelSha256 !== undefined && a.modelSha256 !== b.modelSha256) {
    problems.push({ path: 'model', message: `another model: the earlier run used ${a.modelId} with SHA-256 ${a.modelSha256}, this one ${b.modelId} with SHA-256 ${b.modelSha256}` });
  }
  return problems;
}

export const MANIFEST_NAME = 'pick-run.json';

/** Worker threads reading and preprocessing beside the network by default (see prepareThreads). */
export const DEFAULT_PREPARE_THREADS = Math.min(2, availableParallelism());

function manifestOf(paths: readonly string[], model: ScoreModel, o: PickRunOptions, shard?: ShardManifest): PickManifest {
  return {
    kind: 'cryopick-pick-run', version: 1, modelId: o.modelId ?? '', ...(o.modelSha256 === undefined ? {} : { modelSha256: o.modelSha256 }), preprocess: preprocessParamsKey(model.preprocess),
    inference: o.inference, minDistancePx: o.minDistancePx, floor: o.floor, borderPx: o.borderPx ?? 0,
    diameterPx: o.diameterPx ?? null, testTimeAugmentation: o.testTimeAugmentation ?? 'none', smoothingPx: o.smoothingPx ?? 0,
    family: model.family ?? 'topaz', minSizePx: o.minSizePx ?? null, maxSizePx: o.maxSizePx ?? null, micrographs: paths,
    ...(shard === undefined ? {} : { shard }), ...(o.thresholdRule === undefined ? {} : { thresholdRule: o.thresholdRule }),
  };
}

/** Reads the manifest of a pick output folder. @throws UserError when missing or not a manifest. */
export async function readManifest(outDir: string): Promise<PickManifest> {
  const path = join(outDir, MANIFEST_NAME);
  if (!existsSync(path)) throw new UserError('ENOENT', `${outDir} is not a cryopick pick output folder (no ${MANIFEST_NAME})`);
  const m = JSON.parse(await readFile(path, 'utf8')) as PickManifest;
  if (m.kind !== 'cryopick-pick-run') throw new UserError('EFORMAT', `${path}: not a cryopick pick manifest`);
  return m;
}

/** Writes the manifest; returns whether the run is new (nothing of an earlier run in the folder). */
async function prepareManifest(manifest: PickManifest, o: PickRunOptions): Promise<boolean> {
  const path = join(o.outDir, MANIFEST_NAME);
  if (existsSync(path) && o.resume && !o.overwrite) {
    const old = await readManifest(o.outDir);
    const problems = settingsDifferences(old, manifest);
    const shardOf = (m: PickManifest): string => (m.shard ? `${m.shard.index}/${m.shard.count}` : 'none');
    if (shardOf(old) !== shardOf(manifest)) problems.push({ path: 'shard', message: `was ${shardOf(old)}, now ${shardOf(manifest)}` });
    if (problems.length > 0) throw new ConfigError(problems, `cannot resume ${o.outDir}: settings differ from the earlier run`);
  } else if (existsSync(path) && !o.overwrite) {
    throw new UserError('EEXIST', `${o.outDir} already holds a pick run; pass --resume to continue it or --overwrite to replace it`);
  }
  if (o.overwrite && !o.resume) await clearOldRun(o.outDir);
  const fresh = !existsSync(path) && !existsSync(join(o.outDir, 'detections'));
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`, { overwrite: true });
  return fresh;
}

/**
 * --overwrite: the earlier run's state goes before anything new is written (manifest, detections,
 * the skipped list, the saved threshold, formatted outputs), so a killed overwrite never resumes
 * with the old run's detections.
 */
async function clearOldRun(outDir: string): Promise<void> {
  const dir = join(outDir, 'detections');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) if (/\.tsv$|\.tmp$/.test(f)) await rm(join(dir, f), { force: true });
    await rmdir(dir).catch(() => undefined);
  }
  for (const f of [MANIFEST_NAME, FAILED_LIST_NAME, SAVED_THRESHOLD_NAME]) await rm(join(outDir, f), { force: true });
  clearPickOutputs(outDir);
}

/** Whether a micrograph's detection file is complete; a cut or damaged one is reported and picked again. */
async function finished(outDir: string, micrograph: string, warn: (m: string) => void): Promise<boolean> {
  const path = detectionsPath(outDir, micrograph);
  if (!existsSync(path)) return false;
  try {
    await readDetections(path);
    return true;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    warn(`picking ${micrograph} again: ${err.message}`);
    return false;
  }
}

/** Removes what a run that failed before its first micrograph wrote (the manifest, an empty detections/). */
async function undoFreshRun(outDir: string): Promise<void> {
  await rm(join(outDir, MANIFEST_NAME), { force: true });
  await rmdir(join(outDir, 'detections')).catch(() => undefined);
}

/** The error of a failed micrograph, with what the user can do next. */
function failure(err: unknown, micrograph: string, done: number, total: number): unknown {
  if (!(err instanceof UserError)) return err;
  const space = err.code === 'ENOSPC' || err.code === 'EDQUOT';
  const fix = space ? 'free some space' : `fix or remove ${micrograph}`;
  const next = done > 0
    ? `; ${done} of ${total} micrographs are done: ${fix} and rerun with --resume to finish${space ? '' : ' (or pass --skip-bad to go past bad micrographs)'}`
    : space ? '' : ' (pass --skip-bad to go past bad micrographs)';
  const e = new UserError(err.code, `${err.message}${next}`);
  return e;
}

function checkNames(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  const problems = [];
  for (const p of paths) {
    const key = micrographKey(p);
    const other = seen.get(key);
    if (other !== undefined) problems.push({ path: p, message: `has the same name as ${other}; output files would collide` });
    seen.set(key, p);
  }
  if (problems.length > 0) throw new ConfigError(problems, 'micrograph names must be unique');
}

/**
 * Picks every micrograph in `paths` into `outDir/detections/` (see detections.ts), keeping every
 * detection ≥ `floor`. Formatted outputs at a threshold are written afterwards by writePickOutputs.
 * @throws ConfigError / UserError on clashing names, an existing run without resume/overwrite, or
 * settings that differ from the run being resumed.
 */
export async function pickMicrographs(inputs: readonly string[], model: ScoreModel, options: PickRunOptions): Promise<PickRunResult> {
  checkNames(inputs);
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const positions = options.shard ? shardPositions(inputs, options.shard) : undefined;
  const paths = positions ? positions.map((i) => inputs[i] as string) : inputs;
  const shard = options.shard && positions ? { ...options.shard, inputs: inputs.length, positions } : undefined;
  const fresh = await prepareManifest(manifestOf(paths, model, options, shard), options);
  const warn = options.onWarning ?? (() => {});
  const permissive = options.permissive ?? false;
  const read = options.readImage ?? micrographReader(permissive, warn);
  // a custom reader or a filter needs the original image on the main thread; otherwise only the preprocessed one is built
  const wholeImage = options.readImage !== undefined || options.filter !== undefined;
  const threads = wholeImage ? 0 : Math.min(options.prepareThreads ?? DEFAULT_PREPARE_THREADS, paths.length);
  const pool = threads > 0 ? new PreparePool(threads) : undefined;
  const prepare = pool ? (path: string) => pool.prepare(path, model.preprocess, permissive, warn) : (path: string) => readPrepared(path, model.preprocess, permissive, warn);
  const start = Date.now();
  let next = 0;
  let done = 0;
  let skipped = 0;
  let detections = 0;
  // When several in-flight micrographs fail, the one earliest in the input order is reported, so
  // the message does not depend on which worker finished first.
  let error: { err: unknown; micrograph: string; index: number } | undefined;
  const keepEarliestError = (err: unknown, micrograph: string, index: number): void => {
    if (error === undefined || index < error.index) error = { err, micrograph, index };
  };
  const failed: { micrograph: string; reason: string }[] = [];
  const report = (last: string): void => {
    const picked = done - skipped - failed.length;
    const seconds = (Date.now() - start) / 1000;
    const rate = seconds > 0 ? picked / seconds : 0;
    const left = paths.length - done;
    options.onProgress?.({ done, total: paths.length, skipped, detections, micrographsPerSecond: rate, etaSeconds: rate > 0 ? left / rate : undefined, last });
  };
  const worker = async (): Promise<void> => {
    while (next < paths.length && !options.signal?.aborted && error === undefined) {
      const index = next++;
      const path = paths[index] as string;
      if (options.resume && (await finished(options.outDir, path, warn))) {
        skipped++;
      } else {
        try {
          let found: MicrographDetections;
          if (!wholeImage) {
            found = await pickPrepared(path, await prepare(path), model, options);
          } else {
            const image = await read(path);
            const picked = await pickImage(path, image, model, options);
            found = options.filter ? await options.filter(image, picked) : picked;
          }
          await writeDetections(options.outDir, found, true);
          detections += found.particles.length;
        } catch (err) {
          const full = err instanceof UserError && (err.code === 'ENOSPC' || err.code === 'EDQUOT');
          if (!(options.skipBad && err instanceof UserError) || full) {
            keepEarliestError(err, path, index);
            return;
          }
          failed.push({ micrograph: path, reason: err.message });
        }
      }
      done++;
      report(path);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, paths.length)) }, worker));
  } finally {
    await pool?.close();
  }
  if (error !== undefined) {
    if (fresh && done === 0) await undoFreshRun(options.outDir);
    throw failure(error.err, error.micrograph, done - failed.length, paths.length);
  }
  return {
    outDir: options.outDir, micrographs: paths, picked: done - skipped - failed.length, skipped, detections,
    seconds: (Date.now() - start) / 1000, interrupted: done < paths.length, failed,
  };
}
