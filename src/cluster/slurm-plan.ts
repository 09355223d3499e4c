// The plan of a SLURM pick: which shards still need picking (so a re-submission after failed
// tasks runs only those), the array job script (one shard per task) and the merge job script.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { detectionsPath } from '../pick/detections.js';
import { MANIFEST_NAME } from '../pick/pick-run.js';
import { shardPositions } from '../pick/shard.js';
import { renderSlurmTemplate, shellQuote } from './slurm-template.js';

export interface SlurmResources {
  readonly partition?: string;
  readonly time?: string;
  readonly cpusPerTask?: number;
  readonly mem?: string;
}

export interface SlurmPickRequest extends SlurmResources {
  /** The micrographs, expanded and in input order (as `cryopick pick` lists them). */
  readonly micrographs: readonly string[];
  /** The micrograph arguments and pick options passed to every task, without --out/--shard/--resume. */
  readonly pickArgs: readonly string[];
  /** Options passed to the merge job (--format, --threshold, --box-size). */
  readonly mergeArgs: readonly string[];
  readonly runDir: string;
  readonly shards: number;
  readonly template: string;
  readonly templateSource?: string;
  /** The command that runs cryopick on the nodes (default: this Node.js and this installation). */
  readonly cryopick?: string;
  /** Working directory of the jobs (default: the current one). */
  readonly workDir?: string;
}

export interface SlurmPickPlan {
  /** Shard numbers still to pick (all of them on a first submission). */
  readonly pending: readonly number[];
  /** True when every shard is done and the run is already merged: nothing to submit. */
  readonly merged: boolean;
  readonly arrayScript: string;
  readonly mergeScript: string;
  readonly arrayScriptPath: string;
  readonly mergeScriptPath: string;
}

/** Folder of shard K of N inside a SLURM pick run. */
export function shardDir(runDir: string, k: number, n: number): string {
  return join(runDir, 'shards', `shard-${k}-of-${n}`);
}

/** The default command that runs this cryopick: this Node.js binary and this installation's CLI. */
export function defaultCryopickCommand(): string {
  return [process.execPath, fileURLToPath(new URL('../cli/bin.js', import.meta.url))].map(shellQuote).join(' ');
}

/** `1-4` for a contiguous run of shard numbers, else `2,4,7`. */
export function arraySpec(shards: readonly number[]): string {
  const contiguous = shards.every((k, i) => i === 0 || k === (shards[i - 1] as number) + 1);
  return contiguous && shards.length > 1 ? `${shards[0]}-${shards.at(-1)}` : shards.join(',');
}

function shardDone(req: SlurmPickRequest, k: number): boolean {
  const dir = shardDir(req.runDir, k, req.shards);
  if (!existsSync(join(dir, MANIFEST_NAME))) return false;
  return shardPositions(req.micrographs, { index: k, count: req.shards }).every((i) => existsSync(detectionsPath(dir, req.micrographs[i] as string)));
}

/**
 * Plans the array and merge jobs.
 * @throws UserError when the run folder holds a pick run not made by `cryopick slurm pick`.
 */
export function planSlurmPick(req: SlurmPickRequest): SlurmPickPlan {
  const run = req.runDir;
  if (existsSync(join(run, MANIFEST_NAME)) && !existsSync(join(run, 'shards'))) {
    throw new UserError('EEXIST', `${run} already holds a pick run that was not made by cryopick slurm pick; choose another --out`);
  }
  const all = Array.from({ length: req.shards }, (_, i) => i + 1);
  const pending = all.filter((k) => !shardDone(req, k));
  const merged = pending.length === 0 && existsSync(join(run, MANIFEST_NAME));
  const cryopick = req.cryopick ?? defaultCryopickCommand();
  const n = req.shards;
  const task = '${SLURM_ARRAY_TASK_ID}';
  const pickCommand = `${cryopick} pick ${req.pickArgs.map(shellQuote).join(' ')}` +
    ` --shard "${task}/${n}" --out ${shellQuote(join(run, 'shards'))}/"shard-${task}-of-${n}" --resume` +
    (req.cpusPerTask !== undefined && !req.pickArgs.includes('--threads') ? ` --threads ${req.cpusPerTask}` : '');
  const mergeCommand = `${cryopick} merge ${all.map((k) => shellQuote(shardDir(run, k, n))).join(' ')} --out ${shellQuote(run)}` +
    ` --report ${shellQuote(join(run, 'report.html'))} --overwrite${req.mergeArgs.length ? ` ${req.mergeArgs.map(shellQuote).join(' ')}` : ''}`;
  const logs = join(run, 'slurm');
  const common = {
    dir: resolve(req.workDir ?? process.cwd()),
    ...(req.partition === undefined ? {} : { queue: req.partition }),
    ...(req.time === undefined ? {} : { time: req.time }),
    ...(req.mem === undefined ? {} : { mem: req.mem }),
  };
  const arrayScript = renderSlurmTemplate(req.template, {
    ...common, name: 'cryopick-pick', array: arraySpec(pending), command: pickCommand,
    ...(req.cpusPerTask === undefined ? {} : { threads: String(req.cpusPerTask) }),
    outfile: join(logs, 'pick-%A_%a.out'), errfile: join(logs, 'pick-%A_%a.err'),
  }, req.templateSource);
  const mergeScript = renderSlurmTemplate(req.template, {
    ...common, name: 'cryopick-merge', command: mergeCommand, threads: '1',
    outfile: join(logs, 'merge-%j.out'), errfile: join(logs, 'merge-%j.err'),
  }, req.templateSource);
  return { pending, merged, arrayScript, mergeScript, arrayScriptPath: join(logs, 'pick-array.sh'), mergeScriptPath: join(logs, 'merge.sh') };
}
