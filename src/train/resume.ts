// Resuming an interrupted training (`cryopick train --resume`): the run record written at the start
// (the parameters and run id), the epochs finished so far with their results rows, and the last
// epoch's checkpoint (weights, Adam's moments and step, the batch sampler's random state), all of one run.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FormatError, UserError } from '../errors.js';
import { loadCheckpoint } from '../engine/checkpoint.js';
import type { PickerNet } from './net.js';
import type { TrainParams } from './params.js';
import { checkRunId, readRunRecord, resultParams, RUN_RECORD } from './run-folder.js';
import type { ResultRow } from './results.js';
import type { EpochMetrics } from './train-types.js';

export const checkpointPath = (outDir: string, epoch: number): string => join(outDir, 'checkpoints', `epoch${epoch}.ckpt`);

/** The lines of a JSON-lines table; each must carry `runId` (their run's id), which is removed. */
async function readRunLines<T>(path: string, runId: string | undefined, check: (found: unknown, where: string) => void): Promise<T[]> {
  if (!existsSync(path)) return [];
  const lines = (await readFile(path, 'utf8')).split('\n');
  const out: T[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new FormatError({ path, line: i + 1 }, 'expected one JSON object per line');
    }
    const { runId: found, ...rest } = row;
    if (found !== runId) check(found, `${path} line ${i + 1}`);
    out.push(rest as T);
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

/** The run in a folder being resumed: its id (undefined for a run of version 1) and, if any epoch finished, where it stopped. */
export interface ResumedRun {
  readonly runId: string | undefined;
  readonly point: ResumePoint | undefined;
}

/**
 * Restores `net` to the last finished epoch of the run in `outDir` (`point` undefined when no epoch
 * had finished: the run starts from scratch, keeping its id).
 * @throws UserError when `outDir` holds no training run, or files of another run (by run id);
 *   ConfigError listing every parameter that differs from the interrupted run's; FormatError for a
 *   damaged checkpoint or table.
 */
export async function resumeTraining(outDir: string, p: TrainParams, net: PickerNet): Promise<ResumedRun> {
  const record = await readRunRecord(outDir);
  const now = resultParams(p);
  const keys = [...new Set([...Object.keys(record.params), ...Object.keys(now)])].sort();
  const problems = keys.filter((k) => JSON.stringify(record.params[k]) !== JSON.stringify(now[k]))
    .map((k) => ({ path: k, message: `was ${JSON.stringify(record.params[k])}, now ${JSON.stringify(now[k])}` }));
  if (problems.length > 0) throw new ConfigError(problems, `cannot resume ${outDir}: the parameters differ from the interrupted run's (${RUN_RECORD})`);
  const runId = record.runId;
  const check = (found: unknown, where: string): void => checkRunId(found, record, where, outDir);
  const epochs = await readRunLines<EpochMetrics>(join(outDir, 'epochs.jsonl'), runId, check);
  if (epochs.length === 0) return { runId, point: undefined };
  const last = epochs.length;
  if (epochs.some((e, i) => e.epoch !== i + 1)) throw new FormatError({ path: join(outDir, 'epochs.jsonl') }, `expected epochs 1 to ${last} in order`);
  const path = checkpointPath(outDir, last);
  if (!existsSync(path)) throw new UserError('ENOENT', `cannot resume ${outDir}: the checkpoint of epoch ${last} (${path}) is missing`);
  const loaded = await net.loadCheckpoint(path);
  if (loaded.runId !== runId) check(loaded.runId, path);
  if (loaded.rngState === undefined) throw new FormatError({ path }, 'this checkpoint has no sampler state (written before --resume existed); the run cannot be continued exactly');
  const rows = (await readRunLines<ResultRow>(join(outDir, 'results.jsonl'), runId, check)).filter((r) => r.epoch <= last);
  return { runId, point: { epochs, rows, rngState: loaded.rngState } };
}

/** The weights checkpointed at `epoch` of the run in `outDir` (a finished epoch chosen as the best). */
export async function epochWeights(outDir: string, epoch: number, runId: string | undefined): Promise<Map<string, Float32Array>> {
  const path = checkpointPath(outDir, epoch);
  if (!existsSync(path)) throw new UserError('ENOENT', `cannot resume ${outDir}: the checkpoint of the best epoch ${epoch} (${path}) is missing`);
  const c = await loadCheckpoint(path);
  if (c.meta['runId'] !== runId) checkRunId(c.meta['runId'], await readRunRecord(outDir), path, outDir);
  return c.params;
}
