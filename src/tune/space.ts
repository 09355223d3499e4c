// Search spaces over training parameters: uniform, log-uniform, integer and choice, each with
// the keras-tuner encoding to [0, 1] (pipeline.md §2.3) shared by random search and the GP.
import type { Random } from '../random.js';
import { z } from 'zod';

export type ParamValue = number | string | boolean;
export type ParamSet = Readonly<Record<string, ParamValue>>;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const paramSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('uniform'), min: finite, max: finite, step: z.number().positive().optional() }).strict(),
  z.object({ type: z.literal('log-uniform'), min: z.number().positive(), max: z.number().positive() }).strict(),
  z.object({ type: z.literal('int'), min: z.number().int(), max: z.number().int(), step: z.number().int().positive().default(1), log: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('choice'), values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1) }).strict(),
]).superRefine((p, ctx) => {
  if (p.type !== 'choice' && !(p.min < p.max)) ctx.addIssue({ code: 'custom', message: `min (${p.min}) must be below max (${p.max})`, path: ['max'] });
  if (p.type === 'int' && p.log && p.min < 1) ctx.addIssue({ code: 'custom', message: 'a log-scaled int needs min >= 1', path: ['min'] });
});

export const searchSpaceSchema = z.record(z.string(), paramSpecSchema).refine((s) => Object.keys(s).length > 0, 'the search space needs at least one parameter');

export type ParamSpec = z.output<typeof paramSpecSchema>;
export type SearchSpace = Readonly<Record<string, ParamSpec>>;

/** Number of grid values of a stepped or discrete parameter, or undefined for continuous ones. */
function gridSize(p: ParamSpec): number | undefined {
  switch (p.type) {
    case 'choice': return p.values.length;
    case 'int': return p.log ? p.max - p.min + 1 : Math.floor((p.max - p.min) / p.step) + 1;
    case 'uniform': return p.step === undefined ? undefined : Math.floor((p.max - p.min) / p.step + 1e-9) + 1;
    case 'log-uniform': return undefined;
  }
}

/** Maps u ∈ [0, 1] to a value (bucket index ⌊u·n⌋ for discrete parameters, linear/log otherwise). */
export function fromUnit(p: ParamSpec, u: number): ParamValue {
  const c = Math.min(Math.max(u, 0), 1);
  const n = gridSize(p);
  const index = n === undefined ? 0 : Math.min(Math.floor(c * n), n - 1);
  switch (p.type) {
    case 'choice': return p.values[index] as ParamValue;
    case 'int':
      if (p.log) return Math.min(p.max, Math.max(p.min, Math.round(p.min * Math.pow(p.max / p.min, c))));
      return p.min + index * p.step;
    case 'uniform': return p.step === undefined ? p.min + c * (p.max - p.min) : p.min + index * p.step;
    case 'log-uniform': return p.min * Math.pow(p.max / p.min, c);
  }
}

/** Inverse of {@link fromUnit}: discrete values map to their bucket centre (index + 0.5)/n. */
export function toUnit(p: ParamSpec, v: ParamValue): number {
  const n = gridSize(p);
  switch (p.type) {
    case 'choice': {
      const i = p.values.findIndex((x) => x === v);
      return i < 0 ? 0.5 / (n as number) : (i + 0.5) / (n as number);
    }
    case 'int':
      if (p.log) return Math.log(Number(v) / p.min) / Math.log(p.max / p.min);
      return (Math.round((Number(v) - p.min) / p.step) + 0.5) / (n as number);
    case 'uniform':
      if (p.step === undefined) return (Number(v) - p.min) / (p.max - p.min);
      return (Math.round((Number(v) - p.min) / p.step) + 0.5) / (n as number);
    case 'log-uniform': return Math.log(Number(v) / p.min) / Math.log(p.max / p.min);
  }
}

/** Draws one parameter set (one uniform draw per parameter, in key order). */
export function sampleSpace(space: SearchSpace, rng: Random): ParamSet {
  const out: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(space)) out[name] = fromUnit(p, rng.next());
  return out;
}

/** Encodes a parameter set as a point in [0, 1]^d (keys in the space's order). */
export function encode(space: SearchSpace, params: ParamSet): number[] {
  return Object.entries(space).map(([name, p]) => toUnit(p, params[name] as ParamValue));
}

/** Decodes a point of [0, 1]^d. */
export function decode(space: SearchSpace, x: readonly number[]): ParamSet {
  const out: Record<string, ParamValue> = {};
  Object.entries(space).forEach(([name, p], i) => { out[name] = fromUnit(p, x[i] ?? 0.5); });
  return out;
}

/** A stable key for duplicate detection (floats rounded to 12 significant digits). */
export function paramKey(params: ParamSet): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => {
    const v = params[k];
    return [k, typeof v === 'number' ? Number(v.toPrecision(12)) : v];
  }));
}
