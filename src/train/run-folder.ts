// A training run folder knows which run it holds: train-run.json records the parameters and a run
// id that every checkpoint and results/epochs line carries, so --resume refuses files of another
// run; --overwrite clears the old run's state, and a plain rerun over a run is refused.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { TrainParams } from './params.js';

export const RUN_RECORD = 'train-run.json';

export interface RunRecord {
  readonly kind: 'cryopick-train-run';
  /** 1: parameters only (no run id); 2: with `runId`. */
  readonly version: 1 | 2;
  readonly runId?: string;
  readonly params: Record<string, unknown>;
}

/** Files a training run writes directly in its folder (checkpoints/ holds epoch{k}.ckpt). */
const RUN_FILES = ['train-run.json', 'epochs.jsonl', 'results.tsv', 'results.jsonl', 'summary.json', 'model.onnx',
  ...['precision', 'loss', 'auprc', 'lr'].flatMap((n) => [`${n}.svg`, `${n}.png`])];
const CHECKPOINT_FILE = /^epoch\d+\.ckpt$/;

/** The parameters that decide the result (the thread count changes only the speed). */
export function resultParams(p: TrainParams): Record<string, unknown> {
  const { threads: _threads, ...rest } = p;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** Records a new run starting in `outDir` (parameters and a fresh run id); returns the id. */
export async function writeRunRecord(outDir: string, p: TrainParams): Promise<string> {
  const runId = randomUUID();
  const record: RunRecord = { kind: 'cryopick-train-run', version: 2, runId, params: resultParams(p) };
  await writeFileAtomic(join(outDir, RUN_RECORD), `${JSON.stringify(record, null, 2)}\n`, { overwrite: true });
  return runId;
}

/** Reads train-run.json of `outDir`. @throws UserError when absent, FormatError when not a run record. */
export async function readRunRecord(outDir: string): Promise<RunRecord> {
  const path = join(outDir, RUN_RECORD);
  if (!existsSync(path)) throw new UserError('ENOENT', `${outDir} holds no training run to resume (no ${RUN_RECORD}); start it without --resume`);
  let record: RunRecord;
  try {
    record = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
  } catch {
    throw new FormatError({ path }, 'expected a JSON training run record');
  }
  if (record?.kind !== 'cryopick-train-run' || typeof record.params !== 'object') throw new FormatError({ path }, 'not a cryopick training run record');
  return record;
}

/** The run's files present in `outDir` (checkpoints as `checkpoints/epoch{k}.ckpt`). */
export function runStateFiles(outDir: string): string[] {
  const found = RUN_FILES.filter((f) => existsSync(join(outDir, f)));
  const dir = join(outDir, 'checkpoints');
  if (existsSync(dir)) found.push(...readdirSync(dir).filter((f) => CHECKPOINT_FILE.test(f)).map((f) => `checkpoints/${f}`));
  return found;
}

/**
 * A new run may start in `outDir`: refuses a folder holding another run's state unless told to
 * replace it (`overwrite`, which then clears that state) or continue it (`resume`).
 * @throws UserError EEXIST listing the run's files.
 */
export function refuseOtherRun(outDir: string, o: { overwrite?: boolean; resume?: boolean }): void {
  if (o.overwrite || o.resume) return;
  const found = runStateFiles(outDir);
  if (found.length === 0) return;
  const shown = found.slice(0, 4).join(', ') + (found.length > 4 ? `, ... (${found.length} files)` : '');
  throw new UserError('EEXIST', `${outDir} already holds a training run (${shown}): continue it with --resume or replace it with --overwrite`);
}

/** Deletes the old run's state (model, records, results, plots, checkpoints) and nothing else. */
export function clearRunState(outDir: string): void {
  for (const f of runStateFiles(outDir)) rmSync(join(outDir, f), { force: true });
  const dir = join(outDir, 'checkpoints');
  try {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  } catch { /* a file of the user's stays, with its folder */ }
}

/** The run id a line or checkpoint carries must be this folder's (both absent: a run of version 1). */
export function checkRunId(found: unknown, record: RunRecord, where: string, outDir: string): void {
  const expected = record.runId;
  if (found === expected) return;
  const got = typeof found === 'string' ? `run ${found}` : 'no run id';
  throw new UserError('EMIXEDRUN', `cannot resume ${outDir}: ${where} belongs to another training run (expected run ${expected ?? '(none)'} of ${RUN_RECORD}, found ${got}); the folder mixes two runs: start again with --overwrite`);
}
