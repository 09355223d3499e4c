// `cryopick slurm pick ... --array N`: its arguments, options (pick's, plus the SLURM ones) and
// help; what it does is ../commands/slurm.ts, imported when it runs.
import type { Command } from 'commander';
import { SLURM_PLACEHOLDERS } from '../../cluster/slurm-template.js';
import { addPickOptions } from './pick.js';
import { lazyAction } from './_lazy-action.js';

export function register(program: Command): void {
  const slurm = program.command('slurm').description('Run cryopick on a SLURM cluster (array jobs, one shard per task, then a merge job)');
  addPickOptions(slurm.command('pick').description('Pick as a SLURM array job of N shards plus a dependent merge job; re-run to resubmit only unfinished shards'))
    .requiredOption('--array <n>', 'number of shards = array tasks')
    .option('--partition <name>', 'SLURM partition (queue)')
    .option('--time <limit>', 'time limit per task, as sbatch --time (e.g. 2:00:00)')
    .option('--cpus-per-task <n>', 'CPUs per task (also the inference threads of each task)')
    .option('--mem <size>', 'memory per task, as sbatch --mem (e.g. 8G)')
    .option('--template <file>', `sbatch script template with RELION-style placeholders (${SLURM_PLACEHOLDERS.map((k) => `XXX${k}XXX`).join(', ')}) for site lines: accounts, modules, QOS`)
    .option('--submit', 'write the scripts into RUN/slurm/ and submit them with sbatch')
    .option('--dry-run', 'print the scripts and the sbatch commands without writing or submitting (the default)')
    .action(lazyAction(async () => (await import('../commands/slurm.js')).slurmPickAction));
}
