// Submits a planned SLURM pick with `sbatch`: the array job of the pending shards, then the merge
// job with --dependency=afterok on it (cancelled, not left pending, if a task fails).
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { UnavailableError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { SlurmPickPlan } from './slurm-plan.js';

const run = promisify(execFile);

export interface SlurmSubmission {
  /** Job id of the array job; undefined when every shard was already done. */
  readonly arrayJob?: string;
  readonly mergeJob: string;
}

/** The sbatch command lines a submission runs, for --dry-run. */
export function submissionCommands(plan: SlurmPickPlan): string[] {
  const merge = `sbatch --parsable --kill-on-invalid-dep=yes${plan.pending.length ? ' --dependency=afterok:<array job id>' : ''} ${plan.mergeScriptPath}`;
  return plan.pending.length ? [`sbatch --parsable ${plan.arrayScriptPath}`, merge] : [merge];
}

async function sbatch(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run('sbatch', ['--parsable', ...args], { env });
    const id = stdout.trim().split(';')[0] ?? '';
    if (!/^\d+$/.test(id)) throw new UserError('ESLURM', `sbatch printed '${stdout.trim()}' where a job id was expected`);
    return id;
  } catch (err) {
    const e = err as { code?: string | number; stderr?: string };
    if (e.code === 'ENOENT') throw new UnavailableError('sbatch is not on PATH: run this on a SLURM login node, or use --dry-run and submit the scripts yourself');
    if (typeof e.stderr === 'string') throw new UserError('ESLURM', `sbatch ${args.join(' ')} failed: ${e.stderr.trim()}`);
    throw err;
  }
}

/** Writes both scripts (and the log folder) and submits them; returns the job ids. */
export async function submitSlurmPick(plan: SlurmPickPlan, env: NodeJS.ProcessEnv = process.env): Promise<SlurmSubmission> {
  await mkdir(dirname(plan.arrayScriptPath), { recursive: true });
  await writeFileAtomic(plan.arrayScriptPath, `${plan.arrayScript}\n`, { overwrite: true });
  await writeFileAtomic(plan.mergeScriptPath, `${plan.mergeScript}\n`, { overwrite: true });
  if (plan.pending.length === 0) return { mergeJob: await sbatch(['--kill-on-invalid-dep=yes', plan.mergeScriptPath], env) };
  const arrayJob = await sbatch([plan.arrayScriptPath], env);
  const mergeJob = await sbatch(['--kill-on-invalid-dep=yes', `--dependency=afterok:${arrayJob}`, plan.mergeScriptPath], env);
  return { arrayJob, mergeJob };
}
