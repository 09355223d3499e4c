// `cryopick slurm pick MICROGRAPHS... --model M --out RUN --array N`: writes (and with --submit,
// submits) a SLURM array job of N pick shards plus a dependent merge job; re-running it after
// failed tasks submits only the unfinished shards.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { listMicrographs } from '../../io/micrograph-inputs.js';
import { parseOutputFormats, PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { DEFAULT_SLURM_TEMPLATE } from '../../cluster/slurm-template.js';
import { planSlurmPick } from '../../cluster/slurm-plan.js';
import { submissionCommands, submitSlurmPick } from '../../cluster/slurm-submit.js';
import { GENERAL_MODEL, resolveModelPath } from '../../pick/general-model.js';
import { parseNumberFlag } from './_options.js';

const SLURM_OPTIONS = ['array', 'partition', 'time', 'cpusPerTask', 'mem', 'template', 'submit', 'dryRun'];
/** Pick options each task sets itself. */
const PER_TASK = ['out', 'shard', 'resume', 'overwrite'];
const MERGE_OPTIONS = ['format', 'threshold', 'boxSize'];

interface SlurmFlags {
  readonly model: string;
  readonly out: string;
  readonly format: string;
  readonly array: string;
  readonly partition?: string;
  readonly time?: string;
  readonly cpusPerTask?: string;
  readonly mem?: string;
  readonly template?: string;
  readonly submit?: boolean;
  readonly dryRun?: boolean;
  readonly shard?: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
}

/** The options the user gave on the command line, as `--long value` words, for the job scripts. */
function givenOptions(command: Command, keep: (name: string) => boolean): string[] {
  const words: string[] = [];
  for (const o of command.options) {
    const name = o.attributeName();
    if (!keep(name) || command.getOptionValueSource(name) !== 'cli') continue;
    const v = command.getOptionValue(name) as unknown;
    words.push(o.long as string);
    if (!o.isBoolean()) words.push(String(v));
  }
  return words;
}

export async function slurmPickAction(inputs: string[], flags: SlurmFlags, command: Command): Promise<void> {
  if (flags.submit && flags.dryRun) throw new UsageError('--submit and --dry-run exclude each other');
  for (const k of PER_TASK.slice(1)) {
    if (command.getOptionValueSource(k) === 'cli') throw new UsageError(`--${k}: set by cryopick slurm pick for each task; leave it out (re-running resumes)`);
  }
  const shards = parseNumberFlag(flags.array, '--array', (v) => Number.isInteger(v) && v >= 1, 'a positive whole number') as number;
  const cpusPerTask = parseNumberFlag(flags.cpusPerTask, '--cpus-per-task', (v) => Number.isInteger(v) && v >= 1, 'a positive whole number');
  const { unknown, formats } = parseOutputFormats(flags.format);
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format: unknown '${unknown.join(',')}' (choose from ${PICK_OUTPUT_FORMATS.join(', ')})`);
  if (flags.model === GENERAL_MODEL) {
    resolveModelPath(flags.model);
    const f = flags as unknown as Record<string, unknown>;
    if (['diameterPx', 'diameterA', 'particleDiameterPx', 'particleDiameterA', 'diameter'].every((k) => f[k] === undefined)) {
      throw new UsageError('with the general model, give the particle diameter (--diameter-px or --diameter-a): every shard must pick at the same size (cryopick pick estimates it on a few micrographs and prints it)');
    }
  } else if (!existsSync(flags.model)) throw new UsageError(`--model: ${flags.model} does not exist`);
  if (inputs.length === 0) throw new UsageError('give the micrograph files or folders to pick');
  const micrographs = listMicrographs(inputs);
  if (flags.template !== undefined && !existsSync(flags.template)) throw new UsageError(`--template: ${flags.template} does not exist`);
  const template = flags.template === undefined ? DEFAULT_SLURM_TEMPLATE : await readFile(flags.template, 'utf8');
  const plan = planSlurmPick({
    micrographs, runDir: flags.out, shards, template, ...(flags.template === undefined ? {} : { templateSource: flags.template }),
    pickArgs: [...inputs, ...givenOptions(command, (n) => !SLURM_OPTIONS.includes(n) && !PER_TASK.includes(n))],
    mergeArgs: givenOptions(command, (n) => MERGE_OPTIONS.includes(n)),
    ...(flags.partition === undefined ? {} : { partition: flags.partition }),
    ...(flags.time === undefined ? {} : { time: flags.time }),
    ...(flags.mem === undefined ? {} : { mem: flags.mem }),
    ...(cpusPerTask === undefined ? {} : { cpusPerTask }),
  });
  if (plan.merged) {
    process.stdout.write(`nothing to do: all ${shards} shards of ${flags.out} are picked and merged\n`);
    return;
  }
  const todo = plan.pending.length === shards ? `all ${shards} shards` : `${plan.pending.length} unfinished shard(s) of ${shards} (${plan.pending.join(', ')})`;
  if (!flags.submit) {
    const scripts = plan.pending.length ? [[plan.arrayScriptPath, plan.arrayScript], [plan.mergeScriptPath, plan.mergeScript]] : [[plan.mergeScriptPath, plan.mergeScript]];
    for (const [path, text] of scripts) process.stdout.write(`# ${path}\n${text}\n\n`);
    process.stdout.write(`# dry run (${todo}; ${micrographs.length} micrographs); --submit writes the scripts and runs:\n${submissionCommands(plan).map((c) => `#   ${c}`).join('\n')}\n`);
    return;
  }
  const jobs = await submitSlurmPick(plan);
  if (jobs.arrayJob !== undefined) process.stdout.write(`submitted array job ${jobs.arrayJob} (${todo}; ${micrographs.length} micrographs)\n`);
  process.stdout.write(`submitted merge job ${jobs.mergeJob}${jobs.arrayJob === undefined ? '' : ` (runs after array job ${jobs.arrayJob} succeeds)`}; logs in ${flags.out}/slurm/\n`);
}

