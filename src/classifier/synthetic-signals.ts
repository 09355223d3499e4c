// The synthetic signal benchmark's generator: classes differ only by a short motif placed at a
// random position of a noisy random-walk baseline; every read is then played back at a random
// speed (0–maxSpeedChange slower or faster, linear resampling), as nanopore reads vary in speed.
import { mkdirSync, openSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../random.js';

export interface SyntheticSignalOptions {
  readonly classes: number;
  readonly perClass: number;
  /** Samples of each read before the speed change. */
  readonly length: number;
  readonly motifLength: number;
  /** Relative speed variation: factor drawn in [1 − v, 1 + v] (default 0.2). */
  readonly maxSpeedChange: number;
  /** Standard deviation of the white noise; the motif has amplitude 1. */
  readonly noise: number;
  readonly seed: number;
}

export const DEFAULT_SYNTHETIC: SyntheticSignalOptions = { classes: 4, perClass: 500, length: 256, motifLength: 24, maxSpeedChange: 0.2, noise: 0.5, seed: 7 };

/** The motif of class k: step up, step down, a bump, then oscillations of rising frequency. */
export function motif(k: number, n: number): Float64Array {
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    if (k === 0) m[i] = t < 0.5 ? -1 : 1;
    else if (k === 1) m[i] = t < 0.5 ? 1 : -1;
    else if (k === 2) m[i] = 2 * Math.exp(-((t - 0.5) ** 2) / 0.02) - 0.5;
    else m[i] = Math.sin(2 * Math.PI * (k - 1) * t);
  }
  return m;
}

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** One read of class k. */
export function syntheticRead(k: number, o: SyntheticSignalOptions, u: () => number): Float64Array {
  const base = new Float64Array(o.length);
  let level = 0;
  for (let i = 0; i < o.length; i++) {
    level = 0.98 * level + 0.05 * gaussian(u);
    base[i] = level + o.noise * gaussian(u);
  }
  const m = motif(k, o.motifLength);
  const at = Math.floor(u() * (o.length - o.motifLength));
  for (let i = 0; i < o.motifLength; i++) base[at + i]! += m[i] as number;
  const speed = 1 + (2 * u() - 1) * o.maxSpeedChange;
  const n = Math.max(2, Math.round(o.length / speed));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = (i * (o.length - 1)) / (n - 1);
    const j = Math.min(Math.floor(x), o.length - 2);
    out[i] = (base[j] as number) * (1 - (x - j)) + (base[j + 1] as number) * (x - j);
  }
  return out;
}

/** Writes class_<k>.csv files (read_id, cap_class, quoted timeseries) into dir; returns their paths. */
export function writeSyntheticSignals(dir: string, o: SyntheticSignalOptions = DEFAULT_SYNTHETIC): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let k = 0; k < o.classes; k++) {
    const u = new Random(o.seed * 131 + k).next;
    const path = join(dir, `class_${k}.csv`);
    const fd = openSync(path, 'w');
    writeSync(fd, 'read_id,cap_class,timeseries\n');
    let chunk = '';
    for (let i = 0; i < o.perClass; i++) {
      const r = syntheticRead(k, o, u);
      chunk += `read-${k}-${i},${k},"${Array.from(r, (v) => v.toFixed(3)).join(',')}"\n`;
      if (chunk.length > 1 << 20) { writeSync(fd, chunk); chunk = ''; }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    paths.push(path);
  }
  return paths;
}
