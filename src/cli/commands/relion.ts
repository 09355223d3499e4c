// `cryopick relion pick|train --o JobDir/ --in_mics micrographs_ctf.star ...`: RELION External
// jobs. Every outcome, including a bad job parameter, ends with RELION_JOB_EXIT_SUCCESS or
// RELION_JOB_EXIT_FAILURE in --pipeline_control, so RELION never waits on a dead job.
import { UsageError } from '../../errors.js';
import { runExternalJob, type OutputNode } from '../../relion/external-job.js';
import { micrographReader } from '../../io/micrograph.js';
import { parseNumberFlag } from './_options.js';
import { TRAIN_FLAGS, flagsToParams } from './_train-flags.js';

interface ExternalFlags {
  readonly o: string;
  readonly in_mics?: string;
  readonly in_coords?: string;
  readonly in_parts?: string;
  readonly j?: string;
  readonly pipeline_control?: string;
  readonly model?: string;
  readonly particle_diameter?: string;
  readonly threshold?: string;
  readonly inference?: string;
  readonly expected_particles?: string;
  readonly epochs?: string;
  readonly downsample?: string;
  readonly permissive?: boolean;
}

/**
 * Training parameters given as RELION job parameters (`--epoch_size 20`, `--learning_rate 1e-3`,
 * `--invert`): every `cryopick train` flag, with underscores.
 */
function trainJobParams(words: readonly string[]): { params: Record<string, unknown> } {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const f = TRAIN_FLAGS.find((t) => `--${t.flag.replace(/-/g, '_')}` === w && !['micrographs', 'picks', 'testMicrographs'].includes(t.key));
    if (!f) continue;
    const camel = f.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (f.kind === 'boolean') flags[camel] = f.negate ? false : true;
    else if (f.variadic) flags[camel] = String(words[++i] ?? '').split(/\s+/).filter((v) => v !== '');
    else flags[camel] = words[++i];
  }
  return { params: flagsToParams(flags) };
}

async function asJob(flags: ExternalFlags, unknown: readonly string[], body: () => Promise<{ nodes: readonly OutputNode[]; summary: string }>): Promise<void> {
  await runExternalJob(flags.o, flags.pipeline_control ?? flags.o, async () => {
    const extra = unknown.filter((a) => a.startsWith('--'));
    if (extra.length > 0) throw new UsageError(`unknown job parameter(s) ${extra.join(', ')}; see cryopick relion --help`);
    const r = await body();
    process.stdout.write(`${r.summary}\nwrote ${r.nodes.map((n) => n.name).join(', ')}\n`);
    return r.nodes;
  });
}

const positive = (v: number): boolean => v > 0;

export async function relionPickAction(unknown: string[], flags: ExternalFlags): Promise<void> {
  await asJob(flags, unknown, async () => {
    if (flags.in_mics === undefined) throw new UsageError('--in_mics is required: the micrographs STAR file to pick (e.g. CtfFind/job003/micrographs_ctf.star)');
    if (flags.inference !== undefined && flags.inference !== 'dense' && flags.inference !== 'strided') throw new UsageError(`--inference: expected dense or strided, got '${flags.inference}'`);
    const threads = parseNumberFlag(flags.j, '--j', (v) => Number.isInteger(v) && v >= 1, 'a positive whole number');
    const particleDiameterA = parseNumberFlag(flags.particle_diameter, '--particle_diameter', positive, 'a positive number of Å');
    const threshold = parseNumberFlag(flags.threshold, '--threshold', () => true, 'a number');
    const { runRelionPick } = await import('../../relion/pick-job.js');
    const r = await runRelionPick({
      jobDir: flags.o, inMics: flags.in_mics, ...(flags.model === undefined ? {} : { model: flags.model }),
      ...(threads === undefined ? {} : { threads }), ...(particleDiameterA === undefined ? {} : { particleDiameterA }),
      ...(threshold === undefined ? {} : { threshold }), ...(flags.inference === undefined ? {} : { inference: flags.inference as 'dense' | 'strided' }),
    });
    return { nodes: r.nodes, summary: `picked ${r.picked} new micrograph(s)${r.skipped ? ` (${r.skipped} already done)` : ''}; ${r.particles} particles` };
  });
}

export async function relionTrainAction(words: string[], flags: ExternalFlags): Promise<void> {
  const known = new Set(TRAIN_FLAGS.map((t) => `--${t.flag.replace(/-/g, '_')}`));
  await asJob(flags, words.filter((w) => !known.has(w)), async () => {
    const { params } = trainJobParams(words);
    if (flags.in_mics === undefined || flags.in_coords === undefined) throw new UsageError('--in_mics and --in_coords are required: the micrographs and the picks to train on');
    const expectedParticles = parseNumberFlag(flags.expected_particles, '--expected_particles', positive, 'a positive number');
    if (expectedParticles === undefined) throw new UsageError('--expected_particles is required: add a job parameter "expected_particles" (particles per micrograph)');
    const particleDiameterA = parseNumberFlag(flags.particle_diameter, '--particle_diameter', positive, 'a positive number of Å');
    const epochs = parseNumberFlag(flags.epochs, '--epochs', (v) => Number.isInteger(v) && v >= 1, 'a positive whole number');
    const downsample = parseNumberFlag(flags.downsample, '--downsample', positive, 'a positive number');
    const threads = parseNumberFlag(flags.j, '--j', (v) => Number.isInteger(v) && v >= 1, 'a positive whole number');
    const { runRelionTrain } = await import('../../relion/train-job.js');
    const r = await runRelionTrain({
      jobDir: flags.o, inMics: flags.in_mics, inCoords: flags.in_coords, expectedParticles,
      ...(particleDiameterA === undefined ? {} : { particleDiameterA }),
      params: { ...params, ...(epochs === undefined ? {} : { epochs }), ...(downsample === undefined ? {} : { downsample }), ...(threads === undefined ? {} : { threads }) },
      onMessage: (s) => process.stderr.write(`${s}\n`),
      ...(flags.permissive ? { readImage: micrographReader(true, (m) => process.stderr.write(`cryopick: warning: ${m}\n`)) } : {}),
    });
    return { nodes: r.nodes, summary: `trained ${r.modelPath} (epoch ${r.bestEpoch})` };
  });
}

