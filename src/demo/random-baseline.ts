// The chance level the demo states next to its AP: uniformly random picks with random scores,
// as many per micrograph as the picker made, evaluated exactly like the real picks.
import type { MicrographPicks, Particle } from '../io/coords.js';
import { evaluatePicks } from '../eval/evaluate.js';
import { Random } from '../random.js';

export interface BaselineOptions {
  readonly diameterPx: number;
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  /** Random draws averaged (default 5). */
  readonly repeats?: number;
}

/** Mean AP of random pickers making the same number of picks as `predictions`. */
export function randomBaseline(predictions: readonly MicrographPicks[], references: readonly MicrographPicks[], options: BaselineOptions): number {
  const rand = new Random(options.seed * 7919 + 17).next;
  const repeats = options.repeats ?? 5;
  let sum = 0;
  for (let r = 0; r < repeats; r++) {
    const random = predictions.map((p): MicrographPicks => {
      const particles: Particle[] = p.particles.map(() => ({ x: rand() * (options.width - 1), y: rand() * (options.height - 1), score: rand() }));
      return { ...p, particles };
    });
    sum += evaluatePicks(random, references, { diameterPx: options.diameterPx }).overall.ap ?? 0;
  }
  return sum / repeats;
}
