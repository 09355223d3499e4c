// Reads and validates a classifier config: one ConfigError listing every problem (unknown keys,
// bad values, impossible combinations) before any work; relative paths resolve against the file.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, FormatError, type ConfigProblem } from '../errors.js';
import { stripComments } from '../tune/config-load.js';
import { MODEL_TYPES_1D, MODEL_TYPES_2D, classifierConfigSchema, etlSchema, lrSchedulerSchema, sharedSchema, type ClassifierConfig } from './config-schema.js';

const etlDefaults = etlSchema.parse({});
const sharedDefaults = sharedSchema.parse({});
const lrDefaults = lrSchedulerSchema.parse({});

function zodProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((iss) => {
    const path = iss.path.map(String).join('.') || '(top level)';
    if (iss.code === 'unrecognized_keys') return { path, message: `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')} (comments go in keys starting with "//")` };
    return { path, message: iss.message };
  });
}

function crossProblems(c: ClassifierConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const e = c.etl_params;
  const s = c.shared_params;
  const crops = e.particles !== undefined;
  if (crops && e.caps_data_dir !== null && e.caps_data_dir !== '/dir/') out.push({ path: 'etl_params', message: 'give either caps_data_dir (signals) or particles (2-D crops), not both' });
  if (!crops && (e.caps_data_dir === null || e.caps_data_dir === '/dir/') && e.use_remote_dataset_version === '') {
    out.push({ path: 'etl_params.caps_data_dir', message: 'expected the folder of per-class CSV files (the template\'s "/dir/" is a placeholder), or etl_params.particles' });
  }
  if (s.output_dir === '/dir/') out.push({ path: 'shared_params.output_dir', message: 'expected an output folder (the template\'s "/dir/" is a placeholder)' });
  const allowed: readonly string[] = crops ? MODEL_TYPES_2D : MODEL_TYPES_1D;
  if (!allowed.includes(s.model_type)) out.push({ path: 'shared_params.model_type', message: `"${s.model_type}" is not a ${crops ? 'particle-crop' : 'signal'} model; allowed: ${allowed.join(', ')}` });
  if (c.lr_scheduler_params.cyclic_lr.max_lr <= c.lr_scheduler_params.cyclic_lr.base_lr) out.push({ path: 'lr_scheduler_params.cyclic_lr.max_lr', message: 'must be above base_lr' });
  if (c.lr_scheduler_params.sgdr.max_lr <= c.lr_scheduler_params.sgdr.min_lr) out.push({ path: 'lr_scheduler_params.sgdr.max_lr', message: 'must be above min_lr' });
  return out;
}

/** Validates a parsed config object and fills defaults; paths resolve against baseDir. */
export function parseClassifierConfig(raw: unknown, source = 'config', baseDir = process.cwd()): ClassifierConfig {
  const cleaned = stripComments(raw);
  const r = classifierConfigSchema.safeParse(cleaned);
  if (!r.success) {
    // report the placeholders too, read from the raw sections with the template defaults
    const sec = (k: string): Record<string, unknown> => ((cleaned as Record<string, unknown> | null)?.[k] ?? {}) as Record<string, unknown>;
    const loose = { etl_params: { ...etlDefaults, ...sec('etl_params') }, shared_params: { ...sharedDefaults, ...sec('shared_params') }, lr_scheduler_params: lrDefaults } as unknown as ClassifierConfig;
    const extra = crossProblems(loose).filter((p) => p.path.endsWith('caps_data_dir') || p.path.endsWith('output_dir'));
    throw new ConfigError([...zodProblems(r.error), ...extra], `${source} is invalid`);
  }
  const problems = crossProblems(r.data);
  if (problems.length > 0) throw new ConfigError(problems, `${source} is invalid`);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const c = r.data;
  const e = c.etl_params;
  return {
    ...c,
    etl_params: {
      ...e,
      caps_data_dir: e.particles || e.caps_data_dir === null ? null : abs(e.caps_data_dir),
      ...(e.particles ? { particles: { ...e.particles, micrographs: e.particles.micrographs.map(abs), coordinates: e.particles.coordinates.map(abs) } } : {}),
    },
    shared_params: { ...c.shared_params, output_dir: abs(c.shared_params.output_dir) },
  };
}

/** Reads a JSON config file. @throws FormatError for unreadable JSON, ConfigError for invalid content. */
export async function loadClassifierConfig(path: string): Promise<ClassifierConfig> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (err) {
    throw new FormatError({ path }, `cannot read the config (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); write one with \`cryopick create-classifier-config --file ${path}\``);
  }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (err) { throw new FormatError({ path }, `not valid JSON: ${(err as Error).message}`); }
  return parseClassifierConfig(raw, path, dirname(resolve(path)));
}
