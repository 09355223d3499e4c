// Resuming an interrupted training (`cryopick train --resume`): the run record written at the start
// (the parameters), the epochs finished so far with their results rows, and the last epoch's
// checkpoint (weights, Adam's moments and step, the batch sampler's random state).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FormatError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadCheckpoint } from '../engine/checkpoint.js';
import type { PickerNet } from './net.js';
import type { TrainParams } from './params.js';
import type { ResultRow } from './results.js';
import type { EpochMetrics } from './train-types.js';

export const RUN_RECORD = 'train-run.json';

interface RunRecord {
  readonly kind: 'cryopick-train-run';
  readonly version: 1;
  readonly params: Record<string, unknown>;
}

/** The parameters that decide the result (the thread count changes only the speed). */
function resultParams(p: TrainParams): Record<string, unknown> {
  const { threads: _threads, ...rest } = p;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** Records the parameters of a run starting in `outDir`, for a later --resume to check. */
export async function writeRunRecord(outDir: string, p: TrainParams): Promise<void> {
  const record: RunRecord = { kind: 'cryopick-train-run', version: 1, params: resultParams(p) };
  await writeFileAtomic(join(outDir, RUN_RECORD), `${JSON.stringify(record, null, 2)}\n`, { overwrite: true });
}

export const checkpointPath = (outDir: string, epoch: number): string => join(outDir, 'checkpoints', `epoch${epoch}.ckpt`);

async function readJsonLines<T>(path: string): Promise<T[]> {
  if (!existsSync(path)) return [];
  const lines = (await readFile(path, 'utf8')).split('\n');
  const out: T[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      throw new FormatError({ path, line: i + 1 }, 'expected one JSON object per line');
    }
  }
  return out;
}

export interface ResumePoint {
  /** The finished epochs, in order. */
  readonly epochs: EpochMetrics[];
  /** Results rows of the finished epochs (rows of a partly run epoch are dropped: it is re-run). */
  readonly rows: ResultRow[];
  readonly rngState: number;
}

/**
 * Restores `net` to the last finished epoch of the run in `outDir`. Undefined when no epoch had
 * finished (the run starts from scratch).
 * @throws UserError when `outDir` holds no training run; ConfigError listing every parameter that
 *   differs from the interrupted run's; FormatError for a damaged checkpoint or table.
 */
export async function resumeTraining(outDir: string, p: TrainParams, net: PickerNet): Promise<ResumePoint | undefined> {
  const recordPath = join(outDir, RUN_RECORD);
  if (!existsSync(recordPath)) throw new UserError('ENOENT', `${outDir} holds no training run to resume (no ${RUN_RECORD}); start it without --resume`);
  const record = JSON.parse(await readFile(recordPath, 'utf8')) as RunRecord;
  if (record.kind !== 'cryopick-train-run') throw new FormatError({ path: recordPath }, 'not a cryopick training run record');
  const now = resultParams(p);
  const keys = [...new Set([...Object.keys(record.params), ...Object.keys(now)])].sort();
  const problems = keys.filter((k) => JSON.stringify(record.params[k]) !== JSON.stringify(now[k]))
    .map((k) => ({ path: k, message: `was ${JSON.stringify(record.params[k])}, now ${JSON.stringify(now[k])}` }));
  if (problems.length > 0) throw new ConfigError(problems, `cannot resume ${outDir}: the parameters differ from the interrupted run's`);
  const epochs = await readJsonLines<EpochMetrics>(join(outDir, 'epochs.jsonl'));
  if (epochs.length === 0) return undefined;
  const last = epochs.length;
  if (epochs.some((e, i) => e.epoch !== i + 1)) throw new FormatError({ path: join(outDir, 'epochs.jsonl') }, `expected epochs 1 to ${last} in order`);
  const path = checkpointPath(outDir, last);
  if (!existsSync(path)) throw new UserError('ENOENT', `cannot resume ${outDir}: the checkpoint of epoch ${last} (${path}) is missing`);
  const { rngState } = await net.loadCheckpoint(path);
  if (rngState === undefined) throw new FormatError({ path }, 'this checkpoint has no sampler state (written before --resume existed); the run cannot be continued exactly');
  const rows = (await readJsonLines<ResultRow>(join(outDir, 'results.jsonl'))).filter((r) => r.epoch <= last);
  return { epochs, rows, rngState };
}

/** The weights checkpointed at `epoch` of the run in `outDir` (a finished epoch chosen as the best). */
export async function epochWeights(outDir: string, epoch: number): Promise<Map<string, Float32Array>> {
  const path = checkpointPath(outDir, epoch);
  if (!existsSync(path)) throw new UserError('ENOENT', `cannot resume ${outDir}: the checkpoint of the best epoch ${epoch} (${path}) is missing`);
  return (await loadCheckpoint(path)).params;
}
