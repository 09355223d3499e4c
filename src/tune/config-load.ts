// Reads and validates a pipeline config: strips "//" comment keys, checks the whole file at
// once and throws one ConfigError listing every problem with its JSON path and allowed values.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, FormatError, type ConfigProblem } from '../errors.js';
import { TrainParamsSchema, parseTrainParams } from '../train/params.js';
import { DATA_KEYS, pipelineConfigSchema, tunableParameters, type PipelineConfig } from './config-schema.js';

/** Removes every key starting with "//" (the template's comment convention), recursively. */
export function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !k.startsWith('//')).map(([k, v]) => [k, stripComments(v)]));
  }
  return value;
}

function objectKeys(schema: z.ZodType): string[] | undefined {
  const def = (schema as unknown as { def?: { type?: string; shape?: Record<string, unknown>; innerType?: z.ZodType } }).def;
  if (!def) return undefined;
  if (def.type === 'object' && def.shape) return Object.keys(def.shape);
  if ((def.type === 'default' || def.type === 'optional') && def.innerType) return objectKeys(def.innerType);
  return undefined;
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] | undefined {
  let schema: z.ZodType = pipelineConfigSchema;
  for (const p of path) {
    const def = (schema as unknown as { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType } }).def;
    const inner = def.type === 'default' || def.type === 'optional' ? (def.innerType as z.ZodType) : schema;
    const shape = (inner as unknown as { def: { shape?: Record<string, z.ZodType> } }).def.shape;
    const next = shape?.[String(p)];
    if (!next) return undefined;
    schema = next;
  }
  return objectKeys(schema);
}

function zodProblems(error: z.ZodError, raw: unknown): ConfigProblem[] {
  return error.issues.map((iss) => {
    const path = iss.path.map(String).join('.');
    if (iss.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(iss.path);
      return { path: path || '(top level)', message: `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}${allowed ? `; allowed: ${allowed.join(', ')}` : ''} (comments go in keys starting with "//")` };
    }
    if (iss.path[0] === 'lrScheduler' && (iss.code === 'invalid_union' || (iss.path.length === 2 && iss.path[1] === 'kind'))) {
      const kind = (raw as { lrScheduler?: { kind?: unknown } }).lrScheduler?.kind;
      return { path: 'lrScheduler.kind', message: `got ${JSON.stringify(kind)}; allowed: constant, step, exponential, linear, plateau, cyclic, sgdr` };
    }
    return { path, message: iss.message };
  });
}

/** Problems zod cannot see: search-space names and types, architecture combinations. */
function crossProblems(c: PipelineConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const tunable = tunableParameters();
  const shape = TrainParamsSchema.shape as Record<string, z.ZodType>;
  for (const [name, spec] of Object.entries(c.tuning.space)) {
    const path = `tuning.space.${name}`;
    if (!tunable.includes(name)) { out.push({ path, message: `not a tunable training parameter; allowed: ${tunable.join(', ')}` }); continue; }
    const probe = (v: unknown): boolean => (shape[name] as z.ZodType).safeParse(v).success;
    const samples: unknown[] = spec.type === 'choice' ? spec.values : [spec.min, spec.max];
    const bad = samples.filter((v) => !probe(v));
    if (bad.length > 0) out.push({ path, message: `values ${bad.map((v) => JSON.stringify(v)).join(', ')} are not valid for ${name}` });
    if ((spec.type === 'uniform' || spec.type === 'log-uniform') && !probe(spec.min + 0.5 * (spec.max - spec.min)) ) {
      out.push({ path, message: `${name} needs whole numbers; use {"type": "int", ...}` });
    }
  }
  // the training parameters as trainPicker will see them (ranges, combinations, crop size rules)
  const { splitSeed: _s, ...data } = c.data;
  const { outputDir: _o, runName: _r, ...shared } = c.shared;
  try {
    parseTrainParams({ ...data, ...shared, epochs: c.training.epochs });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      const key = p.path.split('.')[0] ?? '';
      const section = (DATA_KEYS as readonly string[]).includes(key) ? 'data' : key === 'epochs' ? 'training' : 'shared';
      out.push({ path: p.path ? `${section}.${p.path}` : section, message: p.message });
    }
  }
  return out;
}

/**
 * Validates a parsed config object and fills defaults. Paths in `data` are resolved against
 * `baseDir` (the config file's folder).
 * @throws ConfigError listing every problem at once.
 */
export function parsePipelineConfig(raw: unknown, source = 'config', baseDir = process.cwd()): PipelineConfig {
  const cleaned = stripComments(raw);
  const r = pipelineConfigSchema.safeParse(cleaned);
  if (!r.success) throw new ConfigError(zodProblems(r.error, cleaned), `${source} is invalid`);
  const problems = crossProblems(r.data);
  if (problems.length > 0) throw new ConfigError(problems, `${source} is invalid`);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const c = r.data;
  return {
    ...c,
    data: { ...c.data, micrographs: c.data.micrographs.map(abs), picks: c.data.picks.map(abs), negatives: c.data.negatives.map(abs),
      emptyMicrographs: c.data.emptyMicrographs.map((e) => (/\.txt$/i.test(e) ? abs(e) : e)) },
    shared: { ...c.shared, outputDir: abs(c.shared.outputDir), ...(c.shared.init !== undefined ? { init: abs(c.shared.init) } : {}) },
  };
}

/** Byte offset of a JSON syntax error: from the message, else the longest prefix that is only "unfinished". */
function jsonErrorOffset(text: string, message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  const unfinished = (n: number): boolean => {
    try { JSON.parse(text.slice(0, n)); return true; } catch (e) {
      const msg = (e as Error).message;
      return /end of JSON input/i.test(msg) || /position (\d+)/.exec(msg)?.[1] === String(n);
    }
  };
  let lo = 0, hi = text.length; // invariant: prefix lo is unfinished, prefix hi is broken
  if (unfinished(hi)) return undefined;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (unfinished(mid)) lo = mid; else hi = mid; }
  return hi - 1;
}

/** Reads a JSON config file. @throws FormatError for unreadable JSON, ConfigError for invalid content. */
export async function loadPipelineConfig(path: string): Promise<PipelineConfig> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (err) {
    const offset = jsonErrorOffset(text, (err as Error).message);
    const line = offset !== undefined ? text.slice(0, offset).split('\n').length : undefined;
    throw new FormatError(line !== undefined ? { path, line } : { path }, `not valid JSON: ${(err as Error).message}`);
  }
  return parsePipelineConfig(raw, path, dirname(resolve(path)));
}

/** The data keys, re-exported for callers building train params. */
export { DATA_KEYS };
