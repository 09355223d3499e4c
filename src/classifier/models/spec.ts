// What every classifier model type provides: its hyperparameter space (Capfinder's, pipeline.md
// §1.5, as a fixed space of the largest architecture: parameters of unused layers are ignored),
// the keras-tuner defaults, and a builder of logits [N, K] from input [N, 1, ...item].
import type { Var } from '../../engine/index.js';
import type { ParamSet, ParamSpec, SearchSpace } from '../../tune/space.js';
import type { ModelType } from '../config-schema.js';
import type { Ctx } from './layers.js';

export interface ModelSpec {
  readonly type: ModelType;
  /** Cross-entropy on softmax (all but DeepEM) or squared error on sigmoid outputs (DeepEM). */
  readonly loss: 'cross-entropy' | 'squared-error';
  space(itemShape: readonly number[]): SearchSpace;
  /** Measured defaults inside the space that replace keras-tuner's (the minimum, the first choice) where these learn too little. */
  readonly defaults?: ParamSet;
  build(c: Ctx, x: Var, hp: ParamSet, classes: number): Var;
}

export const int = (min: number, max: number, step = 1): ParamSpec => ({ type: 'int', min, max: Math.max(min + step, max), step, log: false });
export const stepped = (min: number, max: number, step: number): ParamSpec => ({ type: 'uniform', min, max, step });
export const choice = (...values: (number | string)[]): ParamSpec => ({ type: 'choice', values });
export const logUniform = (min: number, max: number): ParamSpec => ({ type: 'log-uniform', min, max });

/**
 * The defaults of a space: keras-tuner's (the minimum of a range, the first choice), replaced by the
 * model's measured `defaults` where it has them (only keys of the space).
 */
export function defaultParams(space: SearchSpace, measured: ParamSet = {}): ParamSet {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, p] of Object.entries(space)) out[k] = measured[k] ?? (p.type === 'choice' ? (p.values[0] as number | string | boolean) : p.min);
  return out;
}

/** A numeric hyperparameter (missing → the space default). */
export function num(hp: ParamSet, key: string, fallback: number): number {
  const v = hp[key];
  return typeof v === 'number' ? v : fallback;
}

/** The learning rate a parameter set asks for. */
export const learningRate = (hp: ParamSet): number => num(hp, 'learning_rate', 1e-3);
